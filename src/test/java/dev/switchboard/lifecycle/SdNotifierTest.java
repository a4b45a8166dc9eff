package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** SupervisorNotifier / SdNotifier against a real AF_UNIX datagram socket. */
@EnabledOnOs(OS.LINUX)
class SdNotifierTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String OUR_PID = Long.toString(ProcessHandle.current().pid());

  @TempDir
  Path dir;

  private static String abstractName() {
    return "@switchboard-sdnotify-test-" + UUID.randomUUID();
  }

  private static String receiveOne(UnixDatagramReceiver receiver) throws IOException {
    Optional<String> message = receiver.receive(WAIT);
    assertThat(message).as("a datagram on %s", receiver.name()).isPresent();
    return message.get();
  }

  private static void assertNothingMore(UnixDatagramReceiver receiver) throws IOException {
    assertThat(receiver.drain()).as("further datagrams").isEmpty();
  }

  @Nested
  class Protocol {
    UnixDatagramReceiver systemd;
    SupervisorNotifier notifier;

    @BeforeEach
    void bind() throws IOException {
      systemd = UnixDatagramReceiver.bind(dir.resolve("notify.sock"));
      notifier = SupervisorNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.name()));
    }

    @AfterEach
    void close() {
      notifier.close();
      systemd.close();
    }

    @Test
    void notifierIsTheSystemdOneWhenNotifySocketIsSet() {
      assertThat(notifier).isNotSameAs(SupervisorNotifier.NONE).isInstanceOf(SdNotifier.class);
    }

    @Test
    void readySendsReadyStatusAndMainPidInOneDatagram() throws IOException {
      notifier.ready("connected: telegram, slack");

      assertThat(receiveOne(systemd).split("\n", -1))
          .containsExactly("READY=1", "STATUS=connected: telegram, slack", "MAINPID=" + OUR_PID);
      assertNothingMore(systemd);
    }

    @Test
    void statusIsKeptOnOneLine() throws IOException {
      notifier.ready("line one\nline two");

      assertThat(receiveOne(systemd).split("\n", -1))
          .containsExactly("READY=1", "STATUS=line one line two", "MAINPID=" + OUR_PID);
    }

    @Test
    void stoppingSendsStoppingAndStatus() throws IOException {
      notifier.stopping("draining 2 turns");

      assertThat(receiveOne(systemd).split("\n", -1))
          .containsExactly("STOPPING=1", "STATUS=draining 2 turns");
      assertNothingMore(systemd);
    }

    @Test
    void extendTimeoutSendsMicroseconds() throws IOException {
      notifier.extendTimeout(Duration.ofSeconds(75));

      assertThat(receiveOne(systemd)).isEqualTo("EXTEND_TIMEOUT_USEC=75000000");
    }

    @Test
    void extendTimeoutTruncatesToWholeMicroseconds() throws IOException {
      notifier.extendTimeout(Duration.ofNanos(1_500_999));

      assertThat(receiveOne(systemd)).isEqualTo("EXTEND_TIMEOUT_USEC=1500");
    }

    @Test
    void watchdogSendsWatchdog() throws IOException {
      notifier.watchdog();

      assertThat(receiveOne(systemd)).isEqualTo("WATCHDOG=1");
      assertNothingMore(systemd);
    }

    @Test
    void eachCallIsOneDatagramInOrder() throws IOException {
      notifier.ready("up");
      notifier.watchdog();
      notifier.extendTimeout(Duration.ofSeconds(1));
      notifier.stopping("bye");

      List<String> all = systemd.receiveUntil(m -> m.startsWith("STOPPING=1"), WAIT);
      assertThat(all)
          .containsExactly(
              "READY=1\nSTATUS=up\nMAINPID=" + OUR_PID,
              "WATCHDOG=1",
              "EXTEND_TIMEOUT_USEC=1000000",
              "STOPPING=1\nSTATUS=bye");
    }

    @Test
    void canBeUsedAgainAfterClose() throws IOException {
      notifier.watchdog();
      notifier.close();
      notifier.watchdog();

      assertThat(receiveOne(systemd)).isEqualTo("WATCHDOG=1");
      assertThat(receiveOne(systemd)).isEqualTo("WATCHDOG=1");
      assertNothingMore(systemd);
    }
  }

  @Test
  void worksWithAnAbstractSocket() throws IOException {
    try (UnixDatagramReceiver systemd = UnixDatagramReceiver.bind(abstractName());
        SupervisorNotifier notifier =
            SupervisorNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", systemd.name()))) {
      notifier.ready("abstract");
      notifier.watchdog();

      assertThat(receiveOne(systemd)).isEqualTo("READY=1\nSTATUS=abstract\nMAINPID=" + OUR_PID);
      assertThat(receiveOne(systemd)).isEqualTo("WATCHDOG=1");
    }
  }

  @Test
  void abstractNameIsExactAndHasNoTrailingNul() throws IOException {
    // A sender that put a trailing NUL into the address (or dropped the last byte) would reach
    // "@<name>\0" or "@<nam>", which are different abstract sockets: nothing would arrive here.
    String name = abstractName();
    try (UnixDatagramReceiver exact = UnixDatagramReceiver.bind(name);
        UnixDatagramReceiver shorter =
            UnixDatagramReceiver.bind(name.substring(0, name.length() - 1));
        SupervisorNotifier notifier =
            SupervisorNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", name))) {
      notifier.watchdog();

      assertThat(receiveOne(exact)).isEqualTo("WATCHDOG=1");
      assertThat(shorter.receive(Duration.ofMillis(50))).isEmpty();
    }
  }

  @Test
  void abstractSocketLeavesNoFile() throws IOException {
    try (UnixDatagramReceiver systemd =
        UnixDatagramReceiver.bindAbstract("x-" + UUID.randomUUID())) {
      assertThat(systemd.isAbstract()).isTrue();
      assertThat(systemd.name()).startsWith("@");
    }
  }

  @Test
  void noNotifySocketMeansNone() {
    assertThat(SupervisorNotifier.fromEnvironment(Map.of())).isSameAs(SupervisorNotifier.NONE);
    assertThat(SupervisorNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "")))
        .isSameAs(SupervisorNotifier.NONE);
    assertThat(SupervisorNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "  ")))
        .isSameAs(SupervisorNotifier.NONE);
    assertThat(SupervisorNotifier.fromEnvironment(
            Map.of("WATCHDOG_USEC", "30000000", "INVOCATION_ID", "abc")))
        .isSameAs(SupervisorNotifier.NONE);
  }

  @Test
  void noneDoesNothingAndHasNoWatchdog() {
    SupervisorNotifier none = SupervisorNotifier.NONE;
    assertThatCode(() -> {
          none.ready("x");
          none.stopping("x");
          none.extendTimeout(Duration.ofSeconds(1));
          none.watchdog();
          none.close();
        })
        .doesNotThrowAnyException();
    assertThat(none.watchdogTimeout()).isEmpty();
  }

  @Nested
  class WatchdogTimeout {
    private Optional<Duration> timeoutFor(Map<String, String> extra) {
      Map<String, String> env = new HashMap<>(extra);
      env.put("NOTIFY_SOCKET", abstractName());
      try (SupervisorNotifier n = SupervisorNotifier.fromEnvironment(env)) {
        return n.watchdogTimeout();
      }
    }

    @Test
    void usecWithoutPidApplies() {
      assertThat(timeoutFor(Map.of("WATCHDOG_USEC", "30000000"))).contains(Duration.ofSeconds(30));
    }

    @Test
    void usecWithOurPidApplies() {
      assertThat(timeoutFor(Map.of("WATCHDOG_USEC", "2500", "WATCHDOG_PID", OUR_PID)))
          .contains(Duration.ofNanos(2_500_000));
    }

    @Test
    void pidOfAnotherProcessMeansNoWatchdog() {
      long other = ProcessHandle.current().pid() + 1;
      assertThat(
              timeoutFor(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", Long.toString(other))))
          .isEmpty();
    }

    @Test
    void zeroMeansNoWatchdog() {
      assertThat(timeoutFor(Map.of("WATCHDOG_USEC", "0"))).isEmpty();
      assertThat(timeoutFor(Map.of("WATCHDOG_USEC", "0", "WATCHDOG_PID", OUR_PID)))
          .isEmpty();
    }

    @Test
    void missingOrMalformedUsecMeansNoWatchdog() {
      assertThat(timeoutFor(Map.of())).isEmpty();
      assertThat(timeoutFor(Map.of("WATCHDOG_PID", OUR_PID))).isEmpty();
      assertThat(timeoutFor(Map.of("WATCHDOG_USEC", ""))).isEmpty();
      assertThat(timeoutFor(Map.of("WATCHDOG_USEC", "-5"))).isEmpty();
      assertThat(timeoutFor(Map.of("WATCHDOG_USEC", "30s"))).isEmpty();
      assertThat(timeoutFor(Map.of("WATCHDOG_USEC", "1234567890123456789"))).isEmpty();
    }
  }

  @Nested
  class MissingSocket {
    private Logger logger;
    private ListAppender<ILoggingEvent> appender;
    private Level previousLevel;

    @BeforeEach
    void captureLog() {
      logger = (Logger) LoggerFactory.getLogger(SdNotifier.class);
      previousLevel = logger.getLevel();
      logger.setLevel(Level.WARN);
      appender = new ListAppender<>();
      appender.start();
      logger.addAppender(appender);
    }

    @AfterEach
    void releaseLog() {
      logger.detachAppender(appender);
      logger.setLevel(previousLevel);
    }

    private List<ILoggingEvent> warnings() {
      return appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }

    @Test
    void aSocketThatDoesNotExistDoesNotThrowAndWarnsOnce() {
      Path missing = dir.resolve("no-such.sock");
      try (SupervisorNotifier notifier =
          SupervisorNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", missing.toString()))) {
        assertThatCode(() -> {
              notifier.ready("up");
              notifier.watchdog();
              notifier.watchdog();
              notifier.extendTimeout(Duration.ofSeconds(5));
              notifier.stopping("down");
            })
            .doesNotThrowAnyException();
      }

      assertThat(warnings()).hasSize(1);
      assertThat(warnings().getFirst().getFormattedMessage()).contains(missing.toString());
    }

    @Test
    void aMissingAbstractSocketDoesNotThrowEither() {
      try (SupervisorNotifier notifier =
          SupervisorNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", abstractName()))) {
        assertThatCode(() -> {
              notifier.watchdog();
              notifier.watchdog();
            })
            .doesNotThrowAnyException();
      }
      assertThat(warnings()).hasSize(1);
    }

    @Test
    void aNameTooLongForSockaddrDoesNotThrow() {
      String tooLong = "/" + "x".repeat(200);
      try (SupervisorNotifier notifier =
          SupervisorNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", tooLong))) {
        assertThatCode(() -> {
              notifier.ready("up");
              notifier.watchdog();
            })
            .doesNotThrowAnyException();
      }
      assertThat(warnings()).hasSize(1);
    }

    @Test
    void notificationsArriveOnceTheSocketAppears() throws IOException {
      Path later = dir.resolve("later.sock");
      try (SupervisorNotifier notifier =
          SupervisorNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", later.toString()))) {
        notifier.watchdog(); // nobody listening yet: lost, warned about
        assertThat(Files.exists(later)).isFalse();

        try (UnixDatagramReceiver systemd = UnixDatagramReceiver.bind(later)) {
          notifier.watchdog();
          assertThat(receiveOne(systemd)).isEqualTo("WATCHDOG=1");
        }
      }
      assertThat(warnings()).hasSize(1);
    }
  }

  @Nested
  class Receiver {
    @Test
    void receiveTimesOutWithNothing() throws IOException {
      try (UnixDatagramReceiver r = UnixDatagramReceiver.bind(abstractName())) {
        long start = System.nanoTime();
        assertThat(r.receive(Duration.ofMillis(100))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .isGreaterThanOrEqualTo(Duration.ofMillis(90))
            .isLessThan(Duration.ofSeconds(3));
      }
    }

    @Test
    void pathSocketFileIsRemovedOnClose() throws IOException {
      Path sock = dir.resolve("r.sock");
      UnixDatagramReceiver r = UnixDatagramReceiver.bind(sock);
      assertThat(Files.exists(sock)).isTrue();
      r.close();
      r.close(); // idempotent
      assertThat(Files.exists(sock)).isFalse();
    }

    @Test
    void bindingAnExistingNameFails() throws IOException {
      String name = abstractName();
      try (UnixDatagramReceiver r = UnixDatagramReceiver.bind(name)) {
        assertThat(r.name()).isEqualTo(name);
        assertThatThrownBy(() -> UnixDatagramReceiver.bind(name))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("bind");
      }
    }

    @Test
    void receiveUntilFailsWithWhatArrivedWhenNothingMatches() throws IOException {
      try (UnixDatagramReceiver r = UnixDatagramReceiver.bind(abstractName());
          SupervisorNotifier n =
              SupervisorNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", r.name()))) {
        n.watchdog();
        assertThatThrownBy(() -> r.receiveUntil(m -> m.contains("READY=1"), Duration.ofMillis(200)))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("WATCHDOG=1");
      }
    }

    @Test
    void closeWakesABlockedReceive() throws Exception {
      UnixDatagramReceiver r = UnixDatagramReceiver.bind(abstractName());
      var result = new java.util.concurrent.CompletableFuture<Optional<String>>();
      Thread t = Thread.ofPlatform().start(() -> {
        try {
          result.complete(r.receive(Duration.ofSeconds(30)));
        } catch (Throwable e) {
          result.completeExceptionally(e);
        }
      });
      org.awaitility.Awaitility.await()
          .atMost(WAIT)
          .until(() -> java.util.Arrays.stream(t.getStackTrace())
              .anyMatch(f -> f.getMethodName().equals("receive")));
      r.close();
      assertThat(result.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
    }
  }
}
