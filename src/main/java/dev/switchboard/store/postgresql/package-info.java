/**
 * The PostgreSQL store: the tables of {@link dev.switchboard.store.sql} on a PostgreSQL server
 * (HikariCP pool, SERIALIZABLE transactions, Flyway migrations in {@code db/postgresql}), which
 * several instances can share.
 *
 * <p>Rule: sees only the store SPI and the shared basics.
 */
package dev.switchboard.store.postgresql;
