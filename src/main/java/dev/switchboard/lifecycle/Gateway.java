package dev.switchboard.lifecycle;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.common.OwnerOnly;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.CoreKeys;
import dev.switchboard.config.HttpUrl;
import dev.switchboard.hooks.HookSettings;
import dev.switchboard.http.HttpListener;
import dev.switchboard.http.HttpServer;
import dev.switchboard.http.LoginToken;
import dev.switchboard.http.TrustedProxies;
import dev.switchboard.job.JobSettings;
import dev.switchboard.media.MediaSettings;
import dev.switchboard.media.SpeechSettings;
import dev.switchboard.media.TranscriptionSettings;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.store.Retention;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;
import dev.switchboard.webhook.WebhookConfig;
import dev.switchboard.webhook.WebhookRoute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code switchboard run}, from the state directory to the exit code: take the lock (before
 * touching anything in the directory), record "starting", load and validate the configuration,
 * build the runtime, hand it the signals, run it.
 */
public final class Gateway {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  /** A plain start waits this long for the lock: long enough to ride out a status probe. */
  static final Duration LOCK_WAIT = Duration.ofSeconds(2);
  /** A relaunched copy waits this long for its predecessor to exit. */
  static final Duration RELAUNCH_LOCK_WAIT = Duration.ofMinutes(2);

  private Gateway() {}

  /**
   * What the command line knows before the gateway starts.
   *
   * @param relaunchCommand how to start this same gateway again (for restarts without a
   *     service manager)
   * @param applyLogLevel applies {@code logging.level} once the configuration is read
   * @param maskInLogs given the configured secrets, so that no log line shows them even when a
   *     library's message quotes one
   */
  public record Launch(
      Path home,
      Map<String, String> environment,
      List<String> relaunchCommand,
      String version,
      Signals signals,
      Consumer<CoreKeys.LogLevel> applyLogLevel,
      Consumer<List<String>> maskInLogs) {}

  /** Waits for {@code thread} to end; an interrupt meanwhile is kept for later. */
  private static void awaitUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Creates the state directory (owner-only) if needed. */
  public static void prepareHome(Path home) throws IOException {
    OwnerOnly.createDirectories(home);
  }

  /**
   * Held from the start until the JVM exits, never released by hand: the OS releases it when the
   * process is gone, and not before, so a successor waiting for it cannot overlap with threads
   * of ours that outlived the stop (a receive loop polling the same bot, a late state write).
   */
  @SuppressWarnings(
      "UnusedVariable") // held, not read: the reference keeps the lock for the JVM's life
  private static volatile @Nullable GatewayLock heldUntilExit;

  public static int run(Launch launch) {
    // Before any agent can start (joined before the gateway is assembled): its /proc files would
    // show the tokens in our environment. On its own thread because the first FFM call links
    // the native call, a twentieth of a start's work, which the lock and the state file's
    // reading on this thread can overlap.
    Thread undumpable = Thread.ofVirtual().name("dumpable-flag").start(DumpableFlag::clear);
    Path home = launch.home();
    Map<String, String> env = launch.environment();
    String relaunchedFrom = env.get(DetachedRelauncher.RELAUNCHED_FROM);
    try {
      heldUntilExit =
          GatewayLock.acquire(home, relaunchedFrom != null ? relaunchLockWait(home) : LOCK_WAIT);
    } catch (GatewayLock.HeldException e) {
      log.error(
          "another gateway is already running with home {} ({}); stop it with"
              + " 'switchboard stop --home {}' or give this one another --home",
          home,
          e.getMessage(),
          home);
      return ExitCodes.CRASHED;
    } catch (IOException e) {
      log.error("cannot lock {}: {}", GatewayLock.path(home), e.getMessage());
      return ExitCodes.CRASHED;
    }
    removeStaleTemporaryFiles(home);
    makePrivate(home);
    Clock clock = Clock.systemUTC();
    Optional<GatewayState> previous = StateFile.read(home); // how the last process ended
    StateFile state = new StateFile(
        home,
        GatewayState.starting(
            ProcessHandle.current().pid(), launch.version(), home.toString(), clock.instant()),
        clock);
    state.update(s -> s);
    if (relaunchedFrom != null) {
      log.info("relaunched by a restart of process {}", relaunchedFrom);
    }
    awaitUninterruptibly(undumpable);
    GatewayRuntime runtime;
    Thread starting = Thread.currentThread();
    launch.signals().onQueuedStop(starting::interrupt);
    try {
      runtime = assemble(launch, state, previous, clock);
    } catch (RuntimeException e) {
      launch.signals().onQueuedStop(null);
      Thread.interrupted(); // the interrupt only ended a wait; the signal is handled below
      if (!(e instanceof ConfigException) && launch.signals().stopPending()) {
        log.info("stopped while starting ({})", e.getMessage());
        state.seal(s -> s.withState(GatewayState.STOPPED)
            .withExit(ExitCodes.STOPPED, "stopped while starting", false));
        return ExitCodes.STOPPED;
      }
      return startFailed(e, state);
    }
    launch.signals().onQueuedStop(null);
    Thread.interrupted(); // a stop that came meanwhile is replayed to the runtime by attach
    launch.signals().attach(runtime::onSignal);
    return runtime.run();
  }

  private static int startFailed(RuntimeException failure, StateFile state) {
    if (failure instanceof ConfigException e) {
      log.error("configuration error: {}", e.getMessage());
      state.seal(s -> s.withState(GatewayState.STARTUP_FAILED)
          .withExit(ExitCodes.CONFIG_ERROR, "configuration error: " + e.getMessage(), false));
      return ExitCodes.CONFIG_ERROR;
    }
    if (failure instanceof StoreException e) {
      log.error("cannot open the store: {}", e.getMessage());
      state.seal(s -> s.withState(GatewayState.STARTUP_FAILED)
          .withExit(ExitCodes.CRASHED, "store: " + e.getMessage(), false));
      return ExitCodes.CRASHED;
    }
    log.error("could not assemble the gateway", failure);
    state.seal(s -> s.withState(GatewayState.STARTUP_FAILED)
        .withExit(ExitCodes.CRASHED, "start failed: " + failure.getClass().getSimpleName(), false));
    return ExitCodes.CRASHED;
  }

  /**
   * How long a relaunched process waits for its predecessor's lock: the predecessor starts us
   * before its task sweep, which may take most of a long shutdown_grace, and must not turn a
   * restart into a stop by outlasting our patience. Its state file says how long its stop may
   * take at most.
   */
  static Duration relaunchLockWait(Path home) {
    Duration budget = StateFile.read(home)
        .map(GatewayState::hardDeadlineSeconds)
        .map(Duration::ofSeconds)
        .orElse(Duration.ZERO);
    Duration wait = budget.plusSeconds(30);
    return wait.compareTo(RELAUNCH_LOCK_WAIT) > 0 ? wait : RELAUNCH_LOCK_WAIT;
  }

  private static GatewayRuntime assemble(
      Launch launch, StateFile state, Optional<GatewayState> previous, Clock clock) {
    Path home = launch.home();
    PluginCatalog catalog = PluginCatalog.discover();
    ConfigLoader loader = new ConfigLoader(catalog.schema());
    Config config = loader.load(home, launch.environment());
    launch.maskInLogs().accept(config.secretValues());
    launch.applyLogLevel().accept(config.get(CoreKeys.LOG_LEVEL));
    loader.warnings().forEach(log::warn);
    GatewaySettings settings = GatewaySettings.from(config);
    Optional<GatewayState.CrashLoop> crashLoop = RespawnBreaker.onStart(
        home, previous, RespawnBreaker.Settings.from(config), clock.instant());
    CoreKeys.ServiceManagerSetting setting = config.get(CoreKeys.SERVICE_MANAGER);
    ServiceManager serviceManager = ServiceManager.detect(
        setting,
        launch.environment(),
        ProcessHandle.current().parent().flatMap(p -> p.info().command()),
        ProcessHandle.current().pid());
    if (setting == CoreKeys.ServiceManagerSetting.NONE
        && ServiceManager.detect(
                CoreKeys.ServiceManagerSetting.AUTO, launch.environment(), Optional.empty(), 2)
            == ServiceManager.SYSTEMD) {
      log.warn("gateway.service_manager is 'none' but systemd runs this process: a restart will"
          + " start a detached copy, which systemd may stop along with the unit; use 'auto'");
    }
    LoginToken loginToken = loginToken(config, home);
    AgentBackend backend = catalog.createBackend(config, home);
    List<PlatformAdapter> adapters = catalog.createEnabledPlatforms(config, home);
    List<WebhookRoute> webhooks = WebhookConfig.routes(
        config, name -> adapters.stream().anyMatch(a -> a.name().equals(name)));
    Store store = catalog.openStore(home, config, clock);
    @Nullable URI advertiseUrl = advertiseUrl(config);
    GatewayLease lease = store.shared()
        ? new GatewayLease(
            store.leases(),
            GatewayLease.holder(home, launch.environment()),
            config.get(CoreKeys.LEASE_TTL),
            store::fence,
            new AdvertisedAddress(advertiseUrl, GatewayLease.host(launch.environment())),
            clock)
        : null;
    return GatewayRuntime.builder(home, settings, state)
        .backend(backend)
        .store(store)
        .retention(Retention.from(config))
        .media(MediaSettings.from(config))
        .transcription(TranscriptionSettings.from(config))
        .speech(SpeechSettings.from(config))
        .hooks(HookSettings.from(config), launch.environment())
        .jobs(JobSettings.from(config))
        .accessPolicy(catalog.accessPolicy(config))
        .adapters(adapters)
        .notifier(SupervisorNotifier.fromEnvironment(launch.environment()))
        .serviceManager(serviceManager)
        .relauncher(new DetachedRelauncher(launch.relaunchCommand(), home.resolve("logs")))
        .httpServer(new HttpServer(HttpListener.gateway(
            config.get(CoreKeys.HTTP_HOST),
            config.get(CoreKeys.HTTP_PORT),
            TrustedProxies.from(config))))
        .loginToken(loginToken)
        .crashLoop(crashLoop.orElse(null))
        .gatewayLease(lease)
        .previousEnd(PreviousEnd.of(previous))
        .allowUnknownSendTargets(config.get(CoreKeys.SEND_ALLOW_UNKNOWN_TARGETS))
        .webhooks(webhooks, WebhookConfig.maxBodyBytes(config))
        .version(launch.version())
        .build();
  }

  private static @Nullable URI advertiseUrl(Config config) {
    return config.isSet(CoreKeys.HTTP_ADVERTISE_URL)
        ? HttpUrl.parse(CoreKeys.HTTP_ADVERTISE_URL, config.get(CoreKeys.HTTP_ADVERTISE_URL))
        : null;
  }

  /**
   * The web chat's and admin page's login token, created at the first start; null when
   * {@code http.auth} is false, which only a loopback address may have.
   */
  private static @Nullable LoginToken loginToken(Config config, Path home) {
    String host = config.get(CoreKeys.HTTP_HOST);
    if (!config.get(CoreKeys.HTTP_AUTH)) {
      if (!isLoopback(host)) {
        throw new ConfigException(
            CoreKeys.HTTP_AUTH.path(),
            "false is allowed only while"
                + " http.host is a loopback address (127.0.0.1, ::1, localhost), but http.host is '"
                + host + "': anyone who can reach it could use the agent");
      }
      return null;
    }
    try {
      return LoginToken.of(config, home);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read or create the login token in " + home + ": " + e.getMessage(), e);
    }
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      return InetAddress.ofLiteral(host).isLoopbackAddress();
    } catch (IllegalArgumentException e) {
      return false; // a name other than localhost: we do not trust what it resolves to
    }
  }

  /**
   * Every start leaves the state directory owner-only, also one the user made or an older
   * version left readable by others: it holds the tokens, the chats and the journal.
   */
  private static void makePrivate(Path home) {
    PrivateHome.Report report = PrivateHome.tighten(home);
    if (!report.tightened().isEmpty()) {
      log.info(
          "made the state directory {} owner-only; the group and others had access to: {}",
          report.home(),
          report.describeTightened());
    }
    for (String failure : report.failed()) {
      log.warn("could not make this owner-only (other users may read it): {}", failure);
    }
  }

  // A process killed in the middle of an atomic write leaves its temporary file; we hold the
  // lock, so no live process is writing one now.
  private static void removeStaleTemporaryFiles(Path home) {
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(home, ".*.tmp")) {
      for (Path p : stale) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.debug("could not clean temporary files in {}: {}", home, e.toString());
    }
  }
}
