package dev.switchboard.store;

import dev.switchboard.testing.ManualClock;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Where each part of {@link StoreContract} starts: an empty store of the implementation under
 * test, on a clock the test moves. Times are whole milliseconds, the precision every store
 * keeps.
 */
abstract class StorePartContract {
  static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  final ManualClock clock = new ManualClock(T0);
  Store store;

  /** An empty store that reads the time from {@code clock}. */
  abstract Store newStore(Clock clock);

  @BeforeEach
  void openStore() {
    store = newStore(clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /**
   * Runs {@code work} on {@code threads} threads released at the same moment, each given its
   * number, and waits for all of them; the first failure of any is thrown here.
   */
  static void runTogether(int threads, IntConsumer work) throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int n = t;
      all.add(Thread.ofVirtual().start(() -> {
        try {
          go.await();
          work.accept(n);
        } catch (InterruptedException | RuntimeException | Error e) {
          failures.add(e);
        }
      }));
    }
    go.countDown();
    for (Thread t : all) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new AssertionError("a thread failed", failures.getFirst());
    }
  }
}
