/**
 * The OpenAI-compatible API server: {@link dev.switchboard.platform.api.ApiServerAdapter} serves
 * {@code POST /v1/chat/completions} (streamed or not) as a platform whose asker waits on the
 * connection.
 *
 * <p>Rule: sees only the platform SPI, http and the shared basics.
 */
package dev.switchboard.platform.api;
