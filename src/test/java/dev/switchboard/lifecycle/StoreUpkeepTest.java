package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.Pruner;
import dev.switchboard.store.Retention;
import dev.switchboard.store.Store;
import dev.switchboard.store.sqlite.SqliteStore;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.ManualClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreUpkeepTest {
  @TempDir
  Path home;

  private final ManualClock clock = new ManualClock();
  private RuntimeHarness h;

  @AfterEach
  void stop() throws Exception {
    RuntimeHarness.stopIfRunning(h);
  }

  private static InboundMessage message(int n) {
    return new InboundMessage(
        ChatRef.of("telegram", "1"),
        "m" + n,
        new Sender("u1", "U"),
        "hello " + n,
        false,
        ManualClock.DEFAULT_START);
  }

  private static void answer(Store store, InboundMessage m) {
    store.journal().record(m);
    store.journal().markDone(m, "answered");
  }

  @Test
  void aPassRunsAtOnceThenEveryHourUntilTheStop() {
    Store store = new InMemoryStore(clock);
    answer(store, message(1));
    clock.advance(Duration.ofDays(8));
    List<Duration> waits = new ArrayList<>();
    Sleeper sleeper = d -> {
      waits.add(d);
      if (waits.size() == 1) {
        assertThat(store.journal().record(message(1)))
            .as("gone after the first pass")
            .isTrue();
        store.journal().markDone(message(1), "answered");
        answer(store, message(2));
        clock.advance(Duration.ofDays(8));
      } else {
        throw new InterruptedException("the stop");
      }
    };

    new StoreUpkeep(new Pruner(store, Retention.DEFAULTS, clock, clock, clock), sleeper).run();

    assertThat(waits).containsExactly(Duration.ofHours(1), Duration.ofHours(1));
    assertThat(store.journal().record(message(1)))
        .as("gone after the second pass")
        .isTrue();
    assertThat(store.journal().record(message(2))).isTrue();
  }

  @Test
  void aPassThatRunsOutOfTimeIsFollowedWithinAMinute() throws Exception {
    Store store = new InMemoryStore(clock);
    for (int i = 0; i < 2000; i++) {
      answer(store, message(i));
    }
    clock.advance(Duration.ofDays(8));
    AtomicLong nanos = new AtomicLong();
    Ticker eachLookTakesElevenSeconds =
        () -> nanos.addAndGet(Duration.ofSeconds(11).toNanos());
    Retention journalOnly = new Retention(Duration.ofDays(7), Duration.ZERO, 0, Long.MAX_VALUE);
    // a pass of 30 s looks at the time twice before its deadline: two batches of 500
    StoreUpkeep upkeep = new StoreUpkeep(
        new Pruner(store, journalOnly, clock, eachLookTakesElevenSeconds, clock), Sleeper.SYSTEM);

    assertThat(upkeep.passOnce()).isEqualTo(StoreUpkeep.WHEN_BEHIND);
    assertThat(upkeep.passOnce()).isEqualTo(StoreUpkeep.WHEN_BEHIND);
    assertThat(upkeep.passOnce()).as("the rest fits in a pass").isEqualTo(Duration.ofHours(1));
    assertThat(store.journal().record(message(1999))).isTrue();
  }

  @Test
  void passesComeAQuarterOfTheShortestKeptAgeApartBetweenAMinuteAndAnHour() {
    assertThat(new Retention(Duration.ofMinutes(20), Duration.ofDays(90), 0, 1).passInterval())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(new Retention(Duration.ofDays(7), Duration.ofMinutes(2), 0, 1).passInterval())
        .as("transcripts kept briefly")
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(new Retention(Duration.ofHours(2), Duration.ZERO, 0, 1).passInterval())
        .as("transcripts kept forever count for nothing")
        .isEqualTo(Duration.ofMinutes(30));
    assertThat(Retention.DEFAULTS.passInterval()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aStoreKeepingRowsBrieflyIsPrunedAsOften() throws Exception {
    Store store = new InMemoryStore(clock);
    Retention brief = new Retention(Duration.ofMinutes(20), Duration.ZERO, 0, Long.MAX_VALUE);
    StoreUpkeep upkeep =
        new StoreUpkeep(new Pruner(store, brief, clock, clock, clock), Sleeper.SYSTEM);
    answer(store, message(1));
    clock.advance(Duration.ofMinutes(21));

    assertThat(upkeep.passOnce()).isEqualTo(Duration.ofMinutes(5));
    assertThat(store.journal().record(message(1))).as("forgotten, so new again").isTrue();
  }

  @Test
  void aStoreThatFailsIsTriedAgainAnHourLater() throws Exception {
    Store store = SqliteStore.open(home.resolve("switchboard.db"), clock);
    store.close(); // every query now fails

    StoreUpkeep upkeep =
        new StoreUpkeep(new Pruner(store, Retention.DEFAULTS, clock, clock, clock), Sleeper.SYSTEM);

    assertThat(upkeep.passOnce()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void theRunningGatewayPrunesWhatAnEarlierOneLeftAtStart() throws Exception {
    ManualClock longAgo = new ManualClock(Instant.now().minus(Duration.ofDays(30)));
    try (Store earlier = SqliteStore.open(home.resolve("switchboard.db"), longAgo)) {
      for (int i = 0; i < 10; i++) {
        answer(earlier, message(i));
      }
    }

    h = new RuntimeHarness(home);
    h.start();

    assertThat(h.runtime.tasks().running()).contains("store upkeep");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rows(home.resolve("switchboard.db"), "inbound") == 0);
  }

  private static long rows(Path file, String table) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
