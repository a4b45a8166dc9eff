/**
 * The store SPI: {@link dev.switchboard.store.Store} gives the inbound journal, the outbox,
 * conversations, pairings and cursors; every implementation passes the same contract tests.
 *
 * <p>Rule: the SPI names no implementation; implementations are found through {@link
 * dev.switchboard.store.StoreFactory} (ServiceLoader).
 */
package dev.switchboard.store;
