package dev.switchboard.store;

import java.time.Clock;
import org.junit.jupiter.api.Nested;

/**
 * What every {@link Store} must do, whatever keeps the data: one group of tests per part. An
 * implementation joins by one subclass that says how to open an empty store of it; the
 * in-memory store of the unit tests is held to the same contract, so the layers above behave
 * alike on both.
 */
public abstract class StoreContract {
  /** An empty store that reads the time from {@code clock}; closed after each test. */
  protected abstract Store newStore(Clock clock);

  @Nested
  class JournalPart extends InboundJournalContract {
    @Override
    Store newStore(Clock clock) {
      return StoreContract.this.newStore(clock);
    }
  }

  @Nested
  class OutboxPart extends OutboxContract {
    @Override
    Store newStore(Clock clock) {
      return StoreContract.this.newStore(clock);
    }
  }

  @Nested
  class ConversationsPart extends ConversationsContract {
    @Override
    Store newStore(Clock clock) {
      return StoreContract.this.newStore(clock);
    }
  }

  @Nested
  class PairingsPart extends PairingsContract {
    @Override
    Store newStore(Clock clock) {
      return StoreContract.this.newStore(clock);
    }
  }

  @Nested
  class HomeChannelsPart extends HomeChannelsContract {
    @Override
    Store newStore(Clock clock) {
      return StoreContract.this.newStore(clock);
    }
  }

  @Nested
  class JobsPart extends JobsContract {
    @Override
    Store newStore(Clock clock) {
      return StoreContract.this.newStore(clock);
    }
  }

  @Nested
  class CursorsPart extends CursorsContract {
    @Override
    Store newStore(Clock clock) {
      return StoreContract.this.newStore(clock);
    }
  }

  @Nested
  class LeasesPart extends LeasesContract {
    @Override
    Store newStore(Clock clock) {
      return StoreContract.this.newStore(clock);
    }
  }

  @Nested
  class PlatformRecordsPart extends PlatformRecordsContract {
    @Override
    Store newStore(Clock clock) {
      return StoreContract.this.newStore(clock);
    }
  }

  @Nested
  class PrunerPart extends PrunerContract {
    @Override
    Store newStore(Clock clock) {
      return StoreContract.this.newStore(clock);
    }
  }
}
