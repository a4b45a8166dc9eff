package dev.switchboard.store.postgresql;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreContract;
import dev.switchboard.store.sql.SqlStore;
import dev.switchboard.testing.PostgresServer;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The store contract on a real PostgreSQL server: a new database for every test, copied from one
 * migrated once (the migrations themselves are in {@link PostgresDbTest}).
 */
class PostgresStoreContractTest extends StoreContract {
  private static @Nullable String template;

  @Override
  protected Store newStore(Clock clock) {
    PostgresServer server = PostgresServer.shared();
    return new SqlStore(
        PostgresDb.open(settings(server.newDatabase("contract", migratedTemplate(server)))), clock);
  }

  private static synchronized String migratedTemplate(PostgresServer server) {
    if (template == null) {
      String url = server.newDatabase("contract_template");
      PostgresDb.open(settings(url)).close();
      template = url.substring(url.lastIndexOf('/') + 1);
    }
    return template;
  }

  static PostgresSettings settings(String url) {
    return new PostgresSettings(
        DatabaseUrl.parse("store.url", url), "", 4, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }
}
