/**
 * The store's parts written once, in SQL that both SQLite and PostgreSQL take, on a {@link
 * dev.switchboard.store.sql.SqlDatabase} that each of those stores provides.
 *
 * <p>Rule: sees only the store SPI and the shared basics.
 */
package dev.switchboard.store.sql;
