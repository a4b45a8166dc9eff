package dev.switchboard.store;

import dev.switchboard.testing.InMemoryStore;
import java.time.Clock;

/** The unit tests' in-memory store keeps the contract the real stores keep. */
class InMemoryStoreContractTest extends StoreContract {
  @Override
  protected Store newStore(Clock clock) {
    return new InMemoryStore(clock);
  }
}
