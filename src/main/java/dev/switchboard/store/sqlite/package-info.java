/**
 * The embedded store: {@link dev.switchboard.store.sqlite.SqliteStore}, SQLite in WAL mode with
 * Flyway migrations, for a single host.
 *
 * <p>Rule: sees only the store SPI and the shared basics.
 */
package dev.switchboard.store.sqlite;
