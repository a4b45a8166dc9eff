package dev.switchboard.hooks;

import static dev.switchboard.hooks.HookScripts.gone;
import static dev.switchboard.hooks.HookScripts.pid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.common.Ticker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class HookQueueTest {
  @TempDir
  Path home;

  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final HookMetrics metrics = new HookMetrics() {
    @Override
    public void hookRan(String event, String result) {
      count(event + " " + result);
    }

    @Override
    public void hookEventDropped(String event) {
      count("dropped " + event);
    }
  };
  private final Logger logger = (Logger) LoggerFactory.getLogger(HookQueue.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private HookQueue queue;

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(logs);
    if (queue != null) {
      queue.close(Duration.ZERO);
    }
  }

  private void count(String what) {
    counts.computeIfAbsent(what, _ -> new AtomicInteger()).incrementAndGet();
  }

  private int counted(String what) {
    AtomicInteger n = counts.get(what);
    return n == null ? 0 : n.get();
  }

  private HookQueue queue(Duration timeout, int maxConcurrent, int maxQueued) {
    HookSettings settings = new HookSettings(timeout, maxConcurrent, maxQueued, false, Map.of());
    queue = new HookQueue(
        settings,
        new HookDiscovery(home, settings),
        new HookEnvironment(Map.of("PATH", "/usr/bin:/bin"), home),
        home,
        metrics,
        Ticker.system());
    return queue;
  }

  private static EventSink.Pending event(int n) {
    return new EventSink.Pending(EventKind.TURN_STARTED, "{\"n\":" + n + "}\n");
  }

  private long started() throws IOException {
    try (Stream<Path> files = Files.list(home)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("started-"))
          .count();
    }
  }

  private List<String> warnings() {
    return logs.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void anEventIsWantedOnlyWhileAHookOrCommandMayRunForIt() throws Exception {
    HookQueue q = queue(Duration.ofSeconds(5), 1, 4);
    assertThat(q.wanted(EventKind.TURN_STARTED)).isFalse();
    HookScripts.hook(home, EventKind.TURN_STARTED, "added-later", "true");
    assertThat(q.wanted(EventKind.TURN_STARTED)).isTrue();
    assertThat(q.wanted(EventKind.TURN_FINISHED)).isFalse();

    HookSettings configured = new HookSettings(
        Duration.ofSeconds(5), 1, 4, false, Map.of(EventKind.TURN_FINISHED, List.of("true")));
    assertThat(new HookDiscovery(home, configured).mayHave(EventKind.TURN_FINISHED))
        .isTrue();
    q.close(Duration.ZERO);
    assertThat(q.wanted(EventKind.TURN_STARTED)).isFalse();
  }

  @Test
  void atMostMaxConcurrentRunAndEventsBeyondTheQueueAreDroppedWithoutWaiting() throws Exception {
    // Each run writes started-<its event> and waits for the test to let it go.
    HookScripts.hook(home, EventKind.TURN_STARTED, "wait-for-release", """
        n=$(sed 's/[^0-9]//g')
        touch started-$n
        while [ ! -e release ]; do sleep 0.05; done
        """);
    HookQueue q = queue(Duration.ofSeconds(30), 2, 3);

    assertThat(q.offer(event(1))).isTrue();
    assertThat(q.offer(event(2))).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> started() == 2);
    assertThat(q.offer(event(3))).isTrue(); // taken, waiting for a slot
    await().atMost(Duration.ofSeconds(5)).until(() -> q.waiting() == 0);
    long t0 = System.nanoTime();
    assertThat(q.offer(event(4))).isTrue();
    assertThat(q.offer(event(5))).isTrue();
    assertThat(q.offer(event(6))).isTrue();
    assertThat(q.offer(event(7))).isFalse();
    assertThat(q.offer(event(8))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(200));
    assertThat(counted("dropped turn.started")).isEqualTo(2);
    assertThat(warnings())
        .anySatisfy(w -> assertThat(w)
            .startsWith("dropped 1 hook event(s) (this one turn.started)")
            .contains("hooks.max_queued"));
    // Two run, and no third starts while they do.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> started() == 2);

    Files.createFile(home.resolve("release"));

    await().atMost(Duration.ofSeconds(20)).until(() -> counted("turn.started ok") == 6);
    assertThat(started()).isEqualTo(6);
    assertThat(home.resolve("started-7")).doesNotExist();
  }

  @Test
  void aFailedHookIsLoggedWithTheEndOfItsStderrAndCounted() throws Exception {
    HookScripts.hook(
        home,
        EventKind.TURN_STARTED,
        "fails",
        "cat >/dev/null\necho 'first line' >&2\necho 'cannot reach the CRM: 503' >&2\nexit 2");
    HookQueue q = queue(Duration.ofSeconds(10), 4, 10);

    q.offer(event(1));

    await().atMost(Duration.ofSeconds(10)).until(() -> counted("turn.started failed") == 1);
    assertThat(warnings())
        .singleElement()
        .satisfies(w -> assertThat(w)
            .startsWith("hook hooks/turn.started/fails for turn.started exited with 2 after ")
            .endsWith("; the end of its stderr:\nfirst line\ncannot reach the CRM: 503"));
  }

  @Test
  void aHookThatHangsIsKilledAtItsTimeoutAndTheNextEventsHooksStillRun() throws Exception {
    HookScripts.hook(home, EventKind.TURN_STARTED, "hang", "echo $$ > hang.pid\nexec sleep 1000");
    HookScripts.hook(home, EventKind.TURN_FINISHED, "quick", "cat > finished.json");
    HookQueue q = queue(Duration.ofMillis(500), 1, 10);

    q.offer(event(1));
    q.offer(new EventSink.Pending(EventKind.TURN_FINISHED, "{\"done\":true}\n"));

    await().atMost(Duration.ofSeconds(10)).until(() -> counted("turn.started timed_out") == 1);
    await().atMost(Duration.ofSeconds(2)).until(() -> gone(pid(home.resolve("hang.pid"))));
    await().atMost(Duration.ofSeconds(10)).until(() -> counted("turn.finished ok") == 1);
    assertThat(Files.readString(home.resolve("finished.json"))).isEqualTo("{\"done\":true}\n");
    assertThat(warnings())
        .anySatisfy(w -> assertThat(w)
            .startsWith("hook hooks/turn.started/hang for turn.started still ran at its timeout"
                + " (500 ms, hooks.timeout); killed its process group"));
  }

  @Test
  void theStopGivesRunningHooksAGraceThenKillsTheirGroupsAndDropsWhatWaits() throws Exception {
    HookScripts.hook(
        home,
        EventKind.TURN_STARTED,
        "hang",
        "echo $$ >> hang.pids\nsleep 1000 &\necho $! >> hang.pids\nwait");
    HookQueue q = queue(Duration.ofMinutes(5), 1, 10);
    q.offer(event(1));
    q.offer(event(2));
    q.offer(event(3));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(home.resolve("hang.pids"))
            && Files.readAllLines(home.resolve("hang.pids")).size() == 2);

    long t0 = System.nanoTime();
    q.close(Duration.ofMillis(500));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(took).isBetween(Duration.ofMillis(500), Duration.ofSeconds(2));
    for (String line : Files.readAllLines(home.resolve("hang.pids"))) {
      await().atMost(Duration.ofSeconds(2)).until(() -> gone(Long.parseLong(line)));
    }
    assertThat(counted("turn.started stopped")).isEqualTo(1);
    assertThat(warnings()).contains("1 hook event(s) still queued at the stop were dropped");
    assertThat(q.offer(event(4))).isFalse();
  }
}
