/**
 * Runtime and lifecycle: {@link dev.switchboard.lifecycle.Gateway} takes the lock and builds a
 * {@link dev.switchboard.lifecycle.GatewayRuntime}, whose parts ({@link
 * dev.switchboard.lifecycle.GatewayAssembly}) start in {@link
 * dev.switchboard.lifecycle.StartSequence} and stop in {@link
 * dev.switchboard.lifecycle.StopSequence}, under the single flight of {@link
 * dev.switchboard.lifecycle.StopCoordinator}. Also signals, supervisor notification, the state
 * file, locks and relaunch.
 *
 * <p>Rule: carries the lifecycle contract (docs/architecture.md, rules 1 to 11); names no
 * platform, backend or store implementation, and never writes the inbound journal.
 */
package dev.switchboard.lifecycle;
