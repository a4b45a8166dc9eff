/**
 * Inbound webhooks: named routes at {@code POST /webhooks/<name>} whose requests, once their
 * signature (HMAC-SHA256, GitHub's form) or token is checked over the raw body, fill a prompt
 * template from the JSON payload and either start an agent turn for a chat (a synthetic turn,
 * journaled under the delivery id so the same delivery starts once) or send the text there
 * directly through the outbox.
 *
 * <p>Rule: a request that fails the check is refused before anything is parsed or stored.
 */
package dev.switchboard.webhook;
