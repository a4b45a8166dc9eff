package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The active-turn count is written behind, coalesced, never over a newer state. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StateFileWriteBehindTest {
  @TempDir
  Path home;

  private StateFile stateFile() {
    return new StateFile(
        home, GatewayState.starting(7, "v", home.toString(), Instant.EPOCH), Clock.systemUTC());
  }

  private GatewayState onDisk() {
    return StateFile.read(home).orElseThrow();
  }

  @Test
  void aChangeMadeSoonIsVisibleAtOnceAndOnDiskWithinTheInterval() {
    StateFile f = stateFile();
    f.update(s -> s.withState(GatewayState.RUNNING));
    f.updateSoon(s -> s.withActiveTurns(3));
    assertThat(f.current().activeTurns()).isEqualTo(3);
    await().atMost(Duration.ofSeconds(5)).until(() -> onDisk().activeTurns() == 3);
    assertThat(onDisk().state()).isEqualTo("running");
  }

  @Test
  void manyChangesMadeSoonCostAFewWritesNotOneEach() {
    StateFile f = stateFile();
    f.update(s -> s.withState(GatewayState.RUNNING));
    long before = f.writes();
    long started = System.nanoTime();
    for (int i = 1; i <= 2000; i++) {
      int n = i;
      f.updateSoon(s -> s.withActiveTurns(n % 7));
    }
    f.updateSoon(s -> s.withActiveTurns(5));
    long elapsed = System.nanoTime() - started;
    await().atMost(Duration.ofSeconds(5)).until(() -> onDisk().activeTurns() == 5);
    // one write may start at once, then at most one per interval; +2 for the edges
    long allowed = 2 + elapsed / StateFile.WRITE_BEHIND_INTERVAL.toNanos() + 1;
    assertThat(f.writes() - before).isBetween(1L, allowed);
  }

  @Test
  void aLifecycleUpdateCarriesThePendingCountToDiskBeforeItReturns() {
    StateFile f = stateFile();
    f.updateSoon(s -> s.withActiveTurns(2));
    f.update(s -> s.withState(GatewayState.DRAINING));
    GatewayState disk = onDisk();
    assertThat(disk.state()).isEqualTo("draining");
    assertThat(disk.activeTurns()).isEqualTo(2);
  }

  @Test
  void theSealWritesTheLastCountEndsTheWriterAndIgnoresLaterChanges() {
    StateFile f = stateFile();
    f.update(s -> s.withState(GatewayState.RUNNING));
    f.updateSoon(s -> s.withActiveTurns(4));
    Thread writer = f.writerThread().orElseThrow();
    f.seal(s -> s.withState(GatewayState.STOPPED).withActiveTurns(0).withExit(0, "SIGTERM", false));
    assertThat(writer.isAlive()).isFalse();
    long writes = f.writes();
    f.updateSoon(s -> s.withActiveTurns(9));
    f.update(s -> s.withState(GatewayState.RUNNING));
    assertThat(f.writes()).isEqualTo(writes);
    assertThat(onDisk().state()).isEqualTo("stopped");
    assertThat(onDisk().activeTurns()).isZero();
    assertThat(f.current().activeTurns()).isZero();
  }

  @Test
  void changesFromManyThreadsOfBothKindsAllReachTheDiskInOrder() throws Exception {
    StateFile f = stateFile();
    int threads = 8;
    int each = 200;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      boolean soon = t % 2 == 0;
      workers.add(Thread.ofVirtual().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) {
          if (soon) {
            f.updateSoon(s -> s.withActiveTurns(s.activeTurns() + 1));
          } else {
            f.update(s -> s.withActiveTurns(s.activeTurns() + 1));
          }
        }
      }));
    }
    go.countDown();
    for (Thread w : workers) {
      assertThat(w.join(Duration.ofSeconds(20))).isTrue();
    }
    int total = threads * each;
    assertThat(f.current().activeTurns()).isEqualTo(total);
    // the last write may be a write-behind still to come; it never goes backwards
    await().atMost(Duration.ofSeconds(5)).until(() -> onDisk().activeTurns() == total);
    f.seal(s -> s.withState(GatewayState.STOPPED));
    assertThat(onDisk().activeTurns()).isEqualTo(total);
  }
}
