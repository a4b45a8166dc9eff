/**
 * Slack: {@link dev.switchboard.platform.slack.SlackAdapter} over Socket Mode ({@link
 * dev.switchboard.platform.slack.SocketMode}) and the Web API.
 *
 * <p>Rule: sees only the platform SPI and the shared basics.
 */
package dev.switchboard.platform.slack;
