package dev.switchboard.store.postgresql;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreContract;
import dev.switchboard.store.sql.SqlStore;
import dev.switchboard.testing.PostgresServer;
import java.time.Clock;
import java.time.Duration;

/** The store contract on a real PostgreSQL server: a new database for every test. */
class PostgresStoreContractTest extends StoreContract {
  @Override
  protected Store newStore(Clock clock) {
    return new SqlStore(
        PostgresDb.open(settings(PostgresServer.shared().newDatabase("contract"))), clock);
  }

  static PostgresSettings settings(String url) {
    return new PostgresSettings(
        DatabaseUrl.parse("store.url", url), "", 4, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }
}
