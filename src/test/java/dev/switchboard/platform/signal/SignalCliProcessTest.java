package dev.switchboard.platform.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@link SignalCliProcess} against a fake signal-cli: a shell script this test writes, which
 * records its arguments and then runs {@link FakeSignalCli} (or fails as the test wants).
 */
class SignalCliProcessTest {
  private static final String ACCOUNT = "+15551234567";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @TempDir
  Path dir;

  private final Logger logger = (Logger) LoggerFactory.getLogger(SignalCliProcess.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final HttpClient http =
      HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
  private final List<SignalCliProcess> started = new CopyOnWriteArrayList<>();
  /** The waits the watcher asked for, in order. */
  private final List<Duration> delays = new CopyOnWriteArrayList<>();

  private @Nullable Level levelBefore;

  @BeforeEach
  void captureLogs() {
    levelBefore = logger.getLevel();
    logger.setLevel(Level.INFO);
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    started.forEach(p -> p.stop(Duration.ofSeconds(2)));
    logger.detachAppender(logs);
    logger.setLevel(levelBefore);
    http.close();
  }

  @Test
  void startPassesTheArgumentsAndReturnsOnceTheDaemonAnswers() throws Exception {
    Path data = Files.createDirectory(dir.resolve("data"));
    Path cli = script(
        "export FAKE_READY_DELAY_MS=1500\necho \"HOME=${HOME-unset}\" >> " + q(dir.resolve("env")),
        true);
    SignalCliProcess p = process(
        new SignalCliSettings(cli, data, ACCOUNT, "127.0.0.1", 0), "HOME"::equals, recording());

    p.start();

    URI base = p.baseUrl();
    assertThat(base.getScheme()).isEqualTo("http");
    assertThat(base.getHost()).isEqualTo("127.0.0.1");
    assertThat(checkStatus(base)).as("answers at once: start waited for it").isEqualTo(200);
    assertThat(Files.readAllLines(dir.resolve("argv.log")))
        .containsExactly("--config " + data + " --scrub-log -a " + ACCOUNT + " daemon --http"
            + " 127.0.0.1:" + base.getPort() + " --receive-mode on-connection --no-receive-stdout");
    assertThat(Files.readAllLines(dir.resolve("env")))
        .as("a secret variable is not handed to signal-cli")
        .containsExactly("HOME=unset");
    assertThat(messages(Level.WARN))
        .as("its stderr reaches our log")
        .anyMatch(m -> m.equals(
            "signal-cli: WARN  HttpServerHandler - HTTP server has no" + " authentication"));
    assertThat(messages(Level.INFO)).contains("signal-cli: INFO  FakeSignalCli - starting");
    p.start(); // already running: nothing happens
    assertThat(Files.readAllLines(dir.resolve("argv.log"))).hasSize(1);
  }

  @Test
  void aChildThatDiesIsRestartedOnTheSameAddress() throws Exception {
    SignalCliProcess p = process(settings(script("", true)), recording());
    p.start();
    ProcessHandle first = p.child().orElseThrow();

    first.destroyForcibly();

    await().atMost(WAIT).until(() -> p.restarts() == 1);
    await().atMost(WAIT).until(() -> checkStatus(p.baseUrl()) == 200);
    assertThat(p.child().orElseThrow().pid()).isNotEqualTo(first.pid());
    assertThat(delays).containsExactly(Duration.ofSeconds(1));
    assertThat(messages(Level.WARN))
        .anyMatch(m -> m.contains("exited unexpectedly with code 137 (killed by signal 9)")
            && m.contains("restarting in 1000 ms"));
    assertThat(messages(Level.INFO)).contains("signal-cli: restart 1 launched");
  }

  @Test
  void theWaitBeforeARestartDoublesUpToAMinute() throws Exception {
    // The first launch serves; every later one fails at once, as a broken signal-cli would.
    Path cli = script(
        "if [ \"$(wc -l < " + q(dir.resolve("argv.log")) + ")\" -gt 1 ]; then"
            + " echo 'ERROR boom' >&2; exit 3; fi",
        true);
    CountDownLatch enough = new CountDownLatch(1);
    Sleeper sleeper = d -> {
      delays.add(d);
      if (delays.size() == 8) {
        enough.countDown();
        new CountDownLatch(1).await(); // until the stop interrupts it
      }
    };
    SignalCliProcess p = process(settings(cli), sleeper);
    p.start();

    p.child().orElseThrow().destroyForcibly();

    assertThat(enough.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(delays)
        .extracting(Duration::toSeconds)
        .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L);
    assertThat(p.restarts()).isEqualTo(7);
    assertThat(messages(Level.WARN))
        .anyMatch(m -> m.contains("exited unexpectedly with code 3 (a server or IO error)")
            && m.contains("its last line: ERROR boom"));
  }

  @Test
  void aChildThatRanAMinuteIsRestartedAfterTheFirstWaitAgain() throws Exception {
    AtomicLong nanos = new AtomicLong();
    Ticker uptime = nanos::get;
    SignalCliProcess p = new SignalCliProcess(
        settings(script("", true)), name -> false, timing(), recording(), uptime);
    started.add(p);
    p.start();

    killAndAwaitRestart(p, 1);
    killAndAwaitRestart(p, 2);
    nanos.addAndGet(Duration.ofSeconds(61).toNanos()); // the third child ran a minute
    killAndAwaitRestart(p, 3);

    assertThat(delays).extracting(Duration::toSeconds).containsExactly(1L, 2L, 1L);
  }

  @Test
  void stopKillsAChildThatIgnoresSigtermWithinTheBudget() throws Exception {
    SignalCliProcess p = process(settings(script("export FAKE_IGNORE_TERM=1", true)), recording());
    p.start();
    ProcessHandle child = p.child().orElseThrow();

    long began = System.nanoTime();
    p.stop(Duration.ofSeconds(2));
    Duration took = Duration.ofNanos(System.nanoTime() - began);

    assertThat(child.isAlive()).isFalse();
    assertThat(took)
        .as("waited for SIGTERM until the margin, then SIGKILL")
        .isBetween(Duration.ofMillis(1400), Duration.ofMillis(3000));
    assertThat(messages(Level.WARN)).anyMatch(m -> m.contains("killing it"));
    assertThat(p.restarts()).isZero();
    assertThat(delays).as("no restart after the stop").isEmpty();
  }

  @Test
  void stopEndsWhatTheLauncherStartedToo() throws Exception {
    // As the real launcher does, but without exec: the fake runs as the script's child.
    Path pids = dir.resolve("pids");
    String body = "export FAKE_PID_FILE=" + q(pids) + "\n"
        + q(Path.of(JAVA)) + " -cp " + q(classPath()) + " " + FakeSignalCli.class.getName()
        + " \"$@\" &\nwait\n";
    SignalCliProcess p = process(settings(scriptWithBody(body)), recording());
    p.start();
    ProcessHandle fake =
        ProcessHandle.of(Long.parseLong(Files.readAllLines(pids).getFirst())).orElseThrow();
    assertThat(p.child().orElseThrow().pid()).isNotEqualTo(fake.pid());

    p.stop(Duration.ofSeconds(4));

    assertThat(fake.isAlive()).isFalse();
    assertThat(delays).isEmpty();
  }

  @Test
  void noRestartFollowsTheStop() throws Exception {
    SignalCliProcess p = process(settings(script("", true)), recording());
    p.start();
    ProcessHandle child = p.child().orElseThrow();

    p.stop(Duration.ofSeconds(4));

    assertThat(child.isAlive()).isFalse();
    assertThat(p.child()).isEmpty();
    assertThat(p.restarts()).isZero();
    assertThat(delays).as("the watcher saw the stop, not a death").isEmpty();
    assertThat(Files.readAllLines(dir.resolve("argv.log"))).hasSize(1);
    assertThat(catchThrowableOfType(IllegalStateException.class, p::start))
        .hasMessageContaining("stopped");
  }

  @Test
  void aStopDuringTheBackoffLaunchesNothingEvenIfTheWaitEndsAfterIt() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // A wait that ends as if its time had just run out, whatever the stop does meanwhile.
    Sleeper sleeper = d -> {
      delays.add(d);
      waiting.countDown();
      boolean interrupted = false;
      while (true) {
        try {
          release.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    };
    SignalCliProcess p = process(settings(script("", true)), sleeper);
    p.start();
    p.child().orElseThrow().destroyForcibly();
    assertThat(waiting.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> stop = CompletableFuture.runAsync(
        () -> p.stop(Duration.ofSeconds(10)), r -> Thread.ofVirtual().start(r));
    await().atMost(WAIT).until(p::stopped);
    release.countDown();
    stop.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(p.restarts()).isZero();
    assertThat(p.child()).isEmpty();
    assertThat(Files.readAllLines(dir.resolve("argv.log"))).as("launches").hasSize(1);
  }

  @Test
  void aStopRightAfterARestartEndsTheNewChild() throws Exception {
    SignalCliProcess p = process(settings(script("", true)), recording());
    p.start();
    p.child().orElseThrow().destroyForcibly();
    await().atMost(WAIT).until(() -> p.restarts() == 1 && p.child().isPresent());
    ProcessHandle second = p.child().orElseThrow();

    p.stop(Duration.ofSeconds(4));

    assertThat(second.isAlive()).isFalse();
    assertThat(p.restarts()).isEqualTo(1);
  }

  @Test
  void aChildThatNeverAnswersFailsTheStartQuotingItsStderr() throws Exception {
    Path pids = dir.resolve("pids");
    Path cli = scriptWithBody("echo $$ >> " + q(pids) + "\n"
        + "echo 'INFO  SignalAccount - loading' >&2\n"
        + "echo 'WARN  SignalAccount - Config file is in use by another instance, waiting' >&2\n"
        + "exec sleep 600\n");
    SignalCliProcess p = new SignalCliProcess(
        settings(cli),
        name -> false,
        new SignalCliProcess.Timing(
            Duration.ofSeconds(2),
            Duration.ofMillis(50),
            Duration.ofSeconds(1),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60)),
        recording(),
        Ticker.system());
    started.add(p);

    PlatformException e = catchThrowableOfType(PlatformException.class, p::start);

    assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSIENT);
    assertThat(e.getMessage())
        .contains("signal-cli did not answer http://127.0.0.1:")
        .contains("/api/v1/check within 2 s")
        .contains("Config file is in use by another instance, waiting");
    ProcessHandle sleeper =
        ProcessHandle.of(Long.parseLong(Files.readAllLines(pids).getFirst())).orElse(null);
    assertThat(sleeper == null || !sleeper.isAlive())
        .as("the child was stopped")
        .isTrue();
    assertThat(p.child()).isEmpty();
    assertThat(delays).as("a failed start is not restarted").isEmpty();
  }

  @Test
  void aChildThatExitsBeforeAnsweringFailsTheStartWithItsExitCode() throws Exception {
    Path cli =
        scriptWithBody("echo 'ERROR App - User " + ACCOUNT + " is not registered.' >&2\nexit 1\n");
    SignalCliProcess p = process(settings(cli), recording());

    PlatformException e = catchThrowableOfType(PlatformException.class, p::start);

    assertThat(e.kind()).as("exit 1: the user must fix it").isEqualTo(PlatformException.Kind.FATAL);
    assertThat(e.getMessage())
        .contains("signal-cli exited with code 1 (an error the user can probably fix) before it"
            + " answered")
        .contains("is not registered.");
    // Another start may be tried, and launches again.
    assertThat(catchThrowableOfType(PlatformException.class, p::start)).isNotNull();
    assertThat(Files.readAllLines(dir.resolve("argv.log"))).hasSize(2);
  }

  @Test
  void aPortInUseIsRefusedBeforeLaunching() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SignalCliProcess p = process(
          new SignalCliSettings(script("", true), null, ACCOUNT, "127.0.0.1", taken.getLocalPort()),
          recording());

      PlatformException e = catchThrowableOfType(PlatformException.class, p::start);

      assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
      assertThat(e.getMessage())
          .contains("something already listens on 127.0.0.1:" + taken.getLocalPort())
          .contains("platforms.signal.cli_listen");
      assertThat(dir.resolve("argv.log")).doesNotExist();
    }
  }

  private void killAndAwaitRestart(SignalCliProcess p, int restarts) {
    ProcessHandle child = p.child().orElseThrow();
    child.destroyForcibly();
    await()
        .atMost(WAIT)
        .until(() -> p.restarts() == restarts
            && p.child().map(h -> h.pid() != child.pid()).orElse(false));
  }

  private Sleeper recording() {
    return delays::add;
  }

  private static SignalCliProcess.Timing timing() {
    return new SignalCliProcess.Timing(
        WAIT,
        Duration.ofMillis(50),
        Duration.ofSeconds(1),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60));
  }

  private SignalCliProcess process(SignalCliSettings settings, Sleeper sleeper) {
    return process(settings, name -> false, sleeper);
  }

  private SignalCliProcess process(
      SignalCliSettings settings, Predicate<String> secret, Sleeper sleeper) {
    SignalCliProcess p = new SignalCliProcess(settings, secret, timing(), sleeper, Ticker.system());
    started.add(p);
    return p;
  }

  private static SignalCliSettings settings(Path cli) {
    return new SignalCliSettings(cli, null, ACCOUNT, "127.0.0.1", 0);
  }

  /** A script that records its arguments, runs {@code before}, then the fake in its place. */
  private Path script(String before, boolean exec) throws IOException {
    return scriptWithBody(before + "\n" + (exec ? "exec " : "") + q(Path.of(JAVA)) + " -cp "
        + q(classPath()) + " " + FakeSignalCli.class.getName() + " \"$@\"\n");
  }

  private Path scriptWithBody(String body) throws IOException {
    Path cli = dir.resolve("signal-cli");
    Files.writeString(cli, "#!/bin/sh\necho \"$@\" >> " + q(dir.resolve("argv.log")) + "\n" + body);
    Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));
    return cli;
  }

  private static Path classPath() {
    try {
      return Path.of(FakeSignalCli.class
          .getProtectionDomain()
          .getCodeSource()
          .getLocation()
          .toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String q(Path path) {
    return "'" + path + "'";
  }

  private int checkStatus(URI base) {
    try {
      return http.send(
              HttpRequest.newBuilder(base.resolve("/api/v1/check"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private List<String> messages(Level level) {
    return logs.list.stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
