/**
 * Discord: {@link dev.switchboard.platform.discord.DiscordAdapter} over the Gateway WebSocket
 * ({@link dev.switchboard.platform.discord.DiscordGateway}, its rules in {@link
 * dev.switchboard.platform.discord.GatewayProtocol}) and REST v10 with its rate-limit buckets.
 *
 * <p>Rule: sees only the platform SPI and the shared basics.
 */
package dev.switchboard.platform.discord;
