package dev.switchboard.store;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Opens one kind of store; found with {@link java.util.ServiceLoader}. */
public interface StoreFactory {
  /** The value of {@code store.backend} that selects this store: "sqlite". */
  String name();

  /** Whether this store is the one meant when {@code store.backend} is not set. */
  default boolean selectedWhenUnset(Config config) {
    return false;
  }

  /** Settings this store reads, all under {@code store.<name>.}. */
  List<ConfigKey<?>> configKeys();

  Store open(Path home, Config config, Clock clock);

  /**
   * Bytes the store configured by {@code config} takes on disk, read without opening it (the
   * command line asks while the gateway runs, or when it never ran: then 0).
   */
  long bytesOnDisk(Path home, Config config);

  /**
   * The leases in a store that several gateways share, read without opening it (for {@code
   * status}: which gateway is the active one); empty for a store only one gateway uses.
   */
  default List<Leases.Lease> sharedLeases(Path home, Config config) {
    return List.of();
  }
}
