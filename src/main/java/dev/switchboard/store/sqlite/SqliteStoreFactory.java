package dev.switchboard.store.sqlite;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** The {@code sqlite} store, the default: one file in the state directory. */
public final class SqliteStoreFactory implements StoreFactory {
  public static final ConfigKey<String> FILE = ConfigKey.optional(
      "store.sqlite.file",
      "SWITCHBOARD_SQLITE_FILE",
      ValueType.string(),
      "switchboard.db",
      "The SQLite database file, relative to the state directory unless absolute.");

  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(FILE);
  }

  /** Where the SQLite driver's native library is kept between starts (NativeLibraryCopy). */
  private static final String NATIVE_LIBRARY_DIR = "cache";

  @Override
  public Store open(Path home, Config config, Clock clock) {
    NativeLibraryCopy.useCopyIn(home.resolve(NATIVE_LIBRARY_DIR));
    return SqliteStore.open(home.resolve(config.get(FILE)), clock);
  }

  @Override
  public long bytesOnDisk(Path home, Config config) {
    return SqliteDb.bytesOnDisk(home.resolve(config.get(FILE)));
  }
}
