package dev.switchboard.lifecycle;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.auth.AccessPolicy;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.session.DispatcherSettings;
import dev.switchboard.store.sqlite.SqliteStore;
import dev.switchboard.testing.GatedBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway in the test's JVM, built like {@link Gateway#run} builds it but with recording
 * stand-ins for the process-level parts (exit, halt, relaunch, systemd), so each lifecycle
 * rule can be checked without a child process. {@link #start()} runs it on its own "main"
 * thread; {@link #exitCode()} is what main would pass to System.exit.
 */
final class RuntimeHarness {
  final Path home;
  final List<PlatformAdapter> adapters = new ArrayList<>();
  AgentBackend backend = new GatedBackend();
  ServiceManager serviceManager = ServiceManager.SYSTEMD;
  Duration drainTimeout = Duration.ofSeconds(5);
  Duration grace = Duration.ofSeconds(2);
  /** Runs in the stop between the drain and the teardown. */
  volatile Runnable afterDrain = () -> {};

  Duration disconnectTimeout = Duration.ofMillis(300);
  Duration connectTimeout = Duration.ofSeconds(5);
  DispatcherSettings dispatcherSettings = DispatcherSettings.defaults();
  final RecordingNotifier notifier = new RecordingNotifier();
  final List<Integer> halts = new CopyOnWriteArrayList<>();
  final AtomicInteger relaunches = new AtomicInteger();
  Relauncher relauncher = relaunches::incrementAndGet;
  /** Everybody may talk; "alice" may also run admin commands such as /restart. */
  AccessPolicy accessPolicy =
      AccessPolicy.of(true, List.of(), List.of("alice"), Map.of(), Map.of());

  /** Wraps the SQLite store, to make it slow or hang where a test needs that. */
  java.util.function.UnaryOperator<dev.switchboard.store.Store> storeWrapper = s -> s;

  dev.switchboard.common.Ticker ticker = dev.switchboard.common.Ticker.system();
  /** Serves /health and /ready when set. */
  dev.switchboard.http.HttpServer httpServer;
  /** Asked for by the web chat and admin page when set. */
  dev.switchboard.http.LoginToken loginToken;

  /** How much attachment data it takes in and which files replies may send. */
  dev.switchboard.media.MediaSettings media = dev.switchboard.media.MediaSettings.DEFAULTS;
  /** Where replies are spoken for /voice on; off unless a test sets it. */
  dev.switchboard.media.SpeechSettings speech = dev.switchboard.media.SpeechSettings.DISABLED;

  ReconnectPolicy reconnect = ReconnectPolicy.DEFAULTS;
  /** Runs hooks when set, with {@link #environment} as the gateway's environment. */
  dev.switchboard.hooks.HookSettings hooks;

  Map<String, String> environment = Map.of("PATH", "/usr/bin:/bin");
  GatewayRuntime runtime;
  private Thread main;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  RuntimeHarness(Path home) {
    this.home = home;
  }

  GatewaySettings settings() {
    return new GatewaySettings(
        drainTimeout, grace, connectTimeout, disconnectTimeout, reconnect, dispatcherSettings);
  }

  /** Builds the runtime and starts it on a fresh thread; returns once it reports running. */
  RuntimeHarness start() {
    startWithoutWaiting();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> GatewayState.RUNNING.equals(runtime.state())
            || exit.isDone()
            || runtime.stopCoordinator().stopping());
    return this;
  }

  RuntimeHarness startWithoutWaiting() {
    Clock clock = Clock.systemUTC();
    StateFile state = new StateFile(
        home,
        GatewayState.starting(
            ProcessHandle.current().pid(), "test", home.toString(), clock.instant()),
        clock);
    state.update(s -> s);
    main = Thread.ofPlatform().name("test-main").unstarted(() -> {
      try {
        exit.complete(runtime.run());
      } catch (Throwable t) {
        exit.completeExceptionally(t);
      }
    });
    RuntimeBuilder builder = GatewayRuntime.builder(home, settings(), state);
    if (hooks != null) {
      builder.hooks(hooks, environment);
    }
    runtime = builder
        .backend(backend)
        .store(storeWrapper.apply(SqliteStore.open(home.resolve("switchboard.db"), clock)))
        .ticker(ticker)
        .httpServer(httpServer)
        .loginToken(loginToken)
        .credentialLockDir(home.resolve("credential-locks"))
        .accessPolicy(accessPolicy)
        .media(media)
        .speech(speech)
        .adapters(adapters)
        .notifier(notifier)
        .serviceManager(serviceManager)
        .relauncher(relauncher)
        .halter(halts::add)
        .afterDrain(() -> afterDrain.run())
        .version("test")
        .startThread(main)
        .build();
    main.start();
    return this;
  }

  /** The exit code, waiting at most the hard deadline plus slack. */
  int exitCode() throws Exception {
    Duration limit = settings().hardDeadline().plusSeconds(5);
    return exit.get(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  CompletableFuture<Integer> exitFuture() {
    return exit;
  }

  /** For a test's cleanup: stops the gateway (as Ctrl-C would) if it still runs, and waits. */
  static void stopIfRunning(RuntimeHarness h) throws Exception {
    if (h != null && h.runtime != null && !h.exit.isDone()) {
      h.runtime.onSignal("INT");
      h.exitCode();
    }
  }

  GatewayState state() {
    return StateFile.read(home).orElseThrow();
  }

  Optional<GatewayState> stateIfAny() {
    return StateFile.read(home);
  }

  /** Notifier that records each message as systemd would see it. */
  static final class RecordingNotifier implements SupervisorNotifier {
    final List<String> messages = new CopyOnWriteArrayList<>();
    volatile Thread closedBy;
    volatile Optional<Duration> watchdog = Optional.empty();
    /** While set and not released, these calls hang like a send to a wedged socket. */
    volatile java.util.concurrent.CountDownLatch hangInExtendTimeout;

    volatile java.util.concurrent.CountDownLatch hangInClose;

    private static void hang(java.util.concurrent.CountDownLatch latch) {
      if (latch == null) {
        return;
      }
      while (true) {
        try {
          latch.await();
          return;
        } catch (InterruptedException ignored) {
          // stuck for real
        }
      }
    }

    volatile String readyStatus;

    @Override
    public void ready(String status) {
      readyStatus = status;
      messages.add("READY=1");
    }

    @Override
    public void stopping(String status) {
      messages.add("STOPPING=1");
    }

    @Override
    public void extendTimeout(Duration extra) {
      messages.add("EXTEND_TIMEOUT_USEC=" + extra.toNanos() / 1000);
      hang(hangInExtendTimeout);
    }

    @Override
    public void watchdog() {
      messages.add("WATCHDOG=1");
    }

    @Override
    public Optional<Duration> watchdogTimeout() {
      return watchdog;
    }

    @Override
    public void close() {
      closedBy = Thread.currentThread();
      hang(hangInClose);
    }
  }
}
