/**
 * The built-in web chat: {@link dev.switchboard.platform.web.WebChatAdapter} serves the page and
 * its JSON and event-stream API on the gateway's HTTP server, and keeps each conversation's log.
 *
 * <p>Rule: sees only the platform SPI, http and the shared basics.
 */
package dev.switchboard.platform.web;
