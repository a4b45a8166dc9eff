/**
 * The platform adapter SPI: {@link dev.switchboard.platform.PlatformAdapter} speaks one chat
 * platform; the gateway gives it a {@link dev.switchboard.platform.PlatformContext} and takes
 * its messages as {@link dev.switchboard.platform.InboundMessage}s.
 *
 * <p>Rule: the SPI and every adapter know nothing of sessions, delivery, commands or the
 * runtime; adapters do not know each other (ArchitectureTest).
 */
package dev.switchboard.platform;
