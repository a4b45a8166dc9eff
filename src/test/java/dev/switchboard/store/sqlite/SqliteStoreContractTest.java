package dev.switchboard.store.sqlite;

import dev.switchboard.store.Store;
import dev.switchboard.store.StoreContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreContractTest extends StoreContract {
  @TempDir
  Path dir;

  @Override
  protected Store newStore(Clock clock) {
    return SqliteStore.open(dir.resolve("switchboard.db"), clock);
  }
}
