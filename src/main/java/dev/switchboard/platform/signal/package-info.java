/**
 * Signal, through a signal-cli daemon over HTTP ({@code signal-cli -a +N daemon --http}): {@link
 * dev.switchboard.platform.signal.SignalAdapter} reads the daemon's server-sent events ({@link
 * dev.switchboard.platform.signal.EventStream}) and calls its JSON-RPC methods ({@link
 * dev.switchboard.platform.signal.SignalRpc}).
 *
 * <p>Rule: sees only the platform SPI and the shared basics.
 */
package dev.switchboard.platform.signal;
