package dev.switchboard.store.postgresql;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.CoreKeys;
import dev.switchboard.store.Leases;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreFactory;
import dev.switchboard.store.sql.SqlStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The {@code postgresql} store: the tables on a PostgreSQL server named by {@code store.url},
 * which several gateway instances can share.
 */
public final class PostgresStoreFactory implements StoreFactory {
  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return PostgresSettings.keys();
  }

  @Override
  public boolean selectedWhenUnset(Config config) {
    return config.isSet(CoreKeys.STORE_URL);
  }

  @Override
  public Store open(Path home, Config config, Clock clock) {
    return new SqlStore(PostgresDb.open(PostgresSettings.from(home, config)), clock, true);
  }

  @Override
  public long bytesOnDisk(Path home, Config config) {
    return DatabaseProbe.bytes(PostgresSettings.from(home, config));
  }

  @Override
  public List<Leases.Lease> sharedLeases(Path home, Config config) {
    return DatabaseProbe.leases(PostgresSettings.from(home, config));
  }
}
