/**
 * Mattermost: {@link dev.switchboard.platform.mattermost.MattermostAdapter} over the server's
 * WebSocket ({@link dev.switchboard.platform.mattermost.MattermostSocket}, resumed by connection
 * id and sequence number) and REST API v4 ({@link
 * dev.switchboard.platform.mattermost.MattermostApi}).
 *
 * <p>Rule: sees only the platform SPI and the shared basics.
 */
package dev.switchboard.platform.mattermost;
