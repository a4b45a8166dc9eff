package dev.switchboard.lifecycle;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.auth.AccessPolicy;
import dev.switchboard.auth.Authorizer;
import dev.switchboard.auth.Pairing;
import dev.switchboard.auth.PairingCodes;
import dev.switchboard.command.CommandTable;
import dev.switchboard.command.GatewayControl;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.http.AdminPage;
import dev.switchboard.http.HealthEndpoints;
import dev.switchboard.http.HttpMount;
import dev.switchboard.http.LoginToken;
import dev.switchboard.http.MetricsEndpoint;
import dev.switchboard.http.HttpServer;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.CommandInfo;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.session.Dispatcher;
import dev.switchboard.session.DispatcherListener;
import dev.switchboard.session.DrainReason;
import dev.switchboard.session.InboundPipeline;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.store.Store;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: starts the dispatcher and the platforms, serves until a stop is requested,
 * and stops according to the lifecycle contract in DESIGN.md.
 *
 * <p>Start order: dispatch loop, then platforms (connected in parallel, each bounded), then the
 * watchdog, then READY. Stop order is the reverse and lives in {@link StopSequence}; the single
 * flight and the exit code live in {@link StopCoordinator}. {@link #run()} blocks the calling
 * thread (main) until the stop is over and returns the exit code; only {@code main} exits.
 */
public final class GatewayRuntime implements GatewayControl {
  private static final Logger log = LoggerFactory.getLogger(GatewayRuntime.class);

  private final Path home;
  private final GatewaySettings settings;
  private final AgentBackend backend;
  private final SupervisorNotifier notifier;
  private final ServiceManager serviceManager;
  private final StateFile stateFile;
  private final Clock clock;
  private final Ticker ticker;
  private final String version;

  private final TaskSupervisor tasks;
  private final ProgressMonitor progress = new ProgressMonitor();
  private final PlatformRouter router;
  private final Delivery delivery;
  private final Dispatcher dispatcher;
  private final List<PlatformSlot> slots = new ArrayList<>();
  private final RestartLedger restartLedger;
  private final Store store;
  private final Authorizer authorizer;
  private final InboundPipeline pipeline;
  private final GatewayMetrics metrics;
  /** When each running turn started, by message, for the turn-duration histogram. */
  private final Map<String, Long> turnStarts = new ConcurrentHashMap<>();
  private final HardDeadline hardDeadline;
  private final StopCoordinator stops;
  private final StopSequence stopSequence;
  private final Relaunch relaunch;
  private final long startedNanos;
  private final HttpServer http;
  private final LoginToken loginToken; // null when the HTTP pages need no login
  private final GatewayState.CrashLoop crashLoop; // null unless the respawn breaker tripped
  private final dev.switchboard.common.Sleeper sleeper;
  private volatile StopBudget budget; // set when the intent is recorded, before any teardown

  private GatewayRuntime(Builder b) {
    this.home = b.home;
    this.settings = b.settings;
    this.backend = Objects.requireNonNull(b.backend, "backend");
    this.notifier = b.notifier;
    this.serviceManager = b.serviceManager;
    this.stateFile = b.stateFile;
    this.clock = b.clock;
    this.ticker = b.ticker;
    this.version = b.version;
    this.startedNanos = ticker.nanos();

    this.restartLedger = new RestartLedger(home);
    this.store = Objects.requireNonNull(b.store, "store");
    this.authorizer = new Authorizer(b.accessPolicy, store.pairings());
    this.tasks = new TaskSupervisor(ticker, reason -> {
      if (stops().stopping()) {
        return; // the stop itself ends critical tasks
      }
      log.error("{}; stopping the gateway so its supervisor can start a healthy one", reason);
      stops().request(StopRequest.crash(reason));
    });
    this.router = new PlatformRouter(b.adapters);
    this.metrics = new GatewayMetrics();
    this.delivery = new Delivery(router, store.outbox(), ticker, metrics);
    CommandTable commands = CommandTable.standard(List.of());
    CredentialLocks credentialLocks = new CredentialLocks(b.credentialLockDir);
    this.dispatcher = new Dispatcher(settings.dispatcher(), backend, delivery, commands, this,
        new Listener(), tasks, ticker, store.conversations(), authorizer::isAdmin);
    this.pipeline = new InboundPipeline(store.journal(), store.outbox(), authorizer,
        new Pairing(store.pairings(), new PairingCodes(new SecureRandom()), clock), dispatcher,
        delivery, clock);
    for (PlatformAdapter adapter : b.adapters) {
      slots.add(new PlatformSlot(adapter, tasks, progress, stateFile, store.cursors(),
          commands.all().stream().map(c -> new CommandInfo(c.name(), c.description())).toList(),
          credentialLocks, dispatcher::draining, clock, ticker));
    }
    Halter halter = b.halter;
    this.hardDeadline = new HardDeadline(code -> {
      halter.halt(code);
      stops().forceExit(code); // reached only when the halter returns, as in tests
    }, home.resolve("logs"));
    this.relaunch = new Relaunch(b.relauncher);
    this.http = b.httpServer;
    metrics.watch(dispatcher::activeTurns, dispatcher::queuedMessages, slots::size,
        () -> (int) slots.stream().filter(s -> s.state() == PlatformState.CONNECTED).count());
    this.loginToken = b.loginToken;
    this.crashLoop = b.crashLoop;
    this.sleeper = b.sleeper;
    if (http != null) {
      HealthEndpoints.install(http, new GatewayHealth(stateFile, progress));
      MetricsEndpoint.install(http, metrics::scrape);
      AdminPage.install(http, loginToken, new AdminStatus(stateFile, dispatcher),
          () -> request(StopRequest.restart("the admin page")));
      for (PlatformAdapter adapter : b.adapters) {
        if (adapter instanceof HttpMount mount) {
          mount.mount(http);
        }
      }
    }
    AutoCloseable httpThenMetrics = () -> {
      try {
        if (http != null) {
          http.close();
        }
      } finally {
        metrics.close();
      }
    };
    this.stopSequence = new StopSequence(settings, dispatcher, slots, backend, tasks, stateFile,
        notifier, serviceManager, relaunch, store, httpThenMetrics, ticker, b.afterDrain);
    this.stops = new StopCoordinator(this::exitCodeFor, this::recordIntent, this::tearDown,
        b.startThread);
  }

  // Read through a method: the constructor's lambdas run later, once the field is set.
  private StopCoordinator stops() {
    return stops;
  }

  public static Builder builder(Path home, GatewaySettings settings, StateFile stateFile) {
    return new Builder(home, settings, stateFile);
  }

  /** Starts, serves until stopped, and returns the exit code. Call once, from the start thread. */
  public int run() {
    try {
      start();
    } catch (InterruptedException e) {
      if (!stops.stopping()) {
        stops.request(StopRequest.crash("start interrupted"));
      }
      log.info("start cut short by the stop request");
    } catch (StartFailure e) {
      log.error("start failed: {}", e.getMessage());
      stops.request(StopRequest.crash("start failed: " + e.getMessage()));
    } catch (RuntimeException | Error e) {
      log.error("start failed", e);
      stops.request(StopRequest.crash("start failed: " + e));
    } finally {
      stops.startupFinished();
    }
    return stops.awaitExit();
  }

  // Before the platforms connect, so that a probe sees "starting" rather than nothing.
  private void startHttp() {
    if (http == null) {
      return;
    }
    InetSocketAddress at;
    try {
      at = http.start();
    } catch (IOException e) {
      throw new StartFailure(e.getMessage());
    }
    String address = at.getHostString() + ":" + at.getPort();
    stateFile.update(s -> s.withHttp(address));
    String base = "http://" + (address.contains(":") && at.getAddress() != null
        && at.getAddress() instanceof java.net.Inet6Address ? "[" + at.getHostString() + "]:"
        + at.getPort() : address) + "/";
    boolean webChat = router.has("web");
    if (loginToken == null) {
      log.info("{}admin page at {}admin, health at {}health (no login: http.auth is false)",
          webChat ? "web chat at " + base + ", " : "", base, base);
    } else {
      log.info("{}admin page at {}admin, health at {}health; the login token is in {}",
          webChat ? "web chat at " + base + ", " : "", base, base, loginToken.file());
      if (loginToken.createdNow()) {
        // Printed once, to the terminal and not through the log: it is a secret.
        System.out.println("\nSwitchboard " + (webChat ? "web chat" : "admin page") + ": "
            + base + (webChat ? "" : "admin") + "#token=" + loginToken.reveal()
            + "\nLogin token (shown only this once; kept in " + loginToken.file() + "): "
            + loginToken.reveal() + "\n");
        System.out.flush();
      }
    }
  }

  private void start() throws InterruptedException {
    if (stops.stopping()) {
      throw new InterruptedException("stop requested before the start"); // a replayed signal
    }
    log.info("Switchboard {} starting: pid {}, home {}, service manager {}, agent {}", version,
        ProcessHandle.current().pid(), home, serviceManager.label(), backend.describe());
    stateFile.update(s -> s.withServiceManager(serviceManager.label())
        .withHardDeadline(settings.hardDeadline()));
    if (authorizer.policy().nobodyConfigured()) {
      log.warn("no user is allowed yet: unknown users get a pairing code in private chats (see"
          + " 'switchboard pairing'); set allowed users, or auth.allow_all_users, to change"
          + " that");
    }
    progress.register(dispatcher.heartbeat());
    tasks.spawnCritical("dispatch-loop", dispatcher::runLoop);
    startHttp();
    if (crashLoop != null) {
      CrashLoopHoldBack.hold(crashLoop, stateFile, notifier, sleeper);
    }
    // Taken before any platform connects, so nothing new can be in it twice.
    List<InboundJournal.Entry> leftovers = store.journal().unfinished();
    connectPlatforms();
    Set<String> enabled = slots.stream().map(PlatformSlot::name).collect(Collectors.toSet());
    Set<String> requestPlatforms = slots.stream()
        .filter(s -> !s.adapter().answersAfterRestart()).map(PlatformSlot::name)
        .collect(Collectors.toSet());
    tasks.spawn("resume", () -> {
      try {
        pipeline.resume(leftovers, enabled, requestPlatforms);
      } catch (InterruptedException e) {
        log.info("resume cut short: the gateway is stopping");
      }
    });
    notifier.watchdogTimeout().ifPresent(timeout -> {
      log.info("systemd watchdog every {} ms; pings sent only while all loops make progress",
          timeout.toMillis());
      tasks.spawn("watchdog", new WatchdogPinger(notifier, progress, timeout));
    });
    if (stops.stopping()) {
      throw new InterruptedException("stop requested during start");
    }
    long connected = slots.stream().filter(s -> s.state() == PlatformState.CONNECTED).count();
    String summary = connected + " of " + slots.size() + " platform(s) connected";
    // READY is sent under the state file's lock, as STOPPING is: systemd must never see READY
    // after STOPPING, and a stop recorded first leaves the state "draining", so no READY.
    stateFile.update(s -> {
      if (!GatewayState.STARTING.equals(s.state())) {
        return s;
      }
      notifier.ready("Running: " + summary);
      return s.withState(GatewayState.RUNNING);
    });
    if (slots.isEmpty()) {
      log.warn("Switchboard is running, but no chat platform is enabled, so it has nothing to"
          + " talk to yet. Set TELEGRAM_BOT_TOKEN to connect a Telegram bot (README.md, \"Quick"
          + " start with Telegram\").");
    } else {
      log.info("Switchboard is running: {}", summary);
    }
    tasks.spawn("notices after start", this::sendNoticesAfterStart);
  }

  private void connectPlatforms() throws InterruptedException {
    List<Thread> connecting = new ArrayList<>();
    for (PlatformSlot slot : slots) {
      connecting.add(Thread.ofVirtual().name("connect " + slot.name()).start(() -> {
        try {
          slot.connect(m -> {
            metrics.received(m.chat().platform());
            pipeline.accept(m);
          }, settings.connectTimeout());
        } catch (InterruptedException e) {
          log.info("{}: connect abandoned, the gateway is stopping", slot.name());
        }
      }));
    }
    try {
      for (Thread t : connecting) {
        t.join();
      }
    } catch (InterruptedException e) {
      connecting.forEach(Thread::interrupt);
      throw e;
    }
  }

  private void sendNoticesAfterStart() {
    restartLedger.claimPending().ifPresent(requester -> {
      ChatRef chat = requester.chat();
      if (!router.has(chat.platform())) {
        log.warn("the restart was requested from {}, which is not enabled now; cannot say"
            + " 'restarted' there", chat);
      } else if (delivery.notice(chat, "\u2705 Gateway restarted (Switchboard "
          + version + ").", "restart:" + chat.platform() + ":" + chat.chatId() + ":"
          + requester.messageId())) {
        log.info("told {} that the restart it asked for is done", chat);
      }
    });
  }

  /** Entry point for the signal handlers: TERM, INT and HUP stop; USR1 restarts. */
  public void onSignal(String name) {
    switch (name) {
      case "TERM", "INT", "HUP" -> stops.request(StopRequest.signal(StopKind.STOP, "SIG" + name));
      case "USR1" -> stops.request(StopRequest.signal(StopKind.RESTART, "SIGUSR1"));
      default -> log.warn("ignoring signal SIG{}", name);
    }
  }

  /** Requests a stop or restart from code (the CLI, tests); see {@link StopCoordinator}. */
  public boolean request(StopRequest request) {
    return stops.request(request);
  }

  private int exitCodeFor(StopRequest r) {
    return switch (r.kind()) {
      case STOP -> ExitCodes.STOPPED;
      case RESTART -> serviceManager == ServiceManager.NONE ? ExitCodes.STOPPED
          : ExitCodes.RESTART;
      case CONFIG_ERROR -> ExitCodes.CONFIG_ERROR;
      case CRASH -> ExitCodes.CRASHED;
    };
  }

  /**
   * Lifecycle rule 3: before any teardown, the code is on disk, the supervisor knows, the hard
   * deadline is armed, and new turns are refused.
   */
  private void recordIntent(StopRequest r, int code, boolean duringStartup) {
    boolean restart = r.kind() == StopKind.RESTART;
    if (restart) {
      metrics.restartRequested();
    }
    log.info("{} requested by {}; exit code will be {}{}", restart ? "restart" : "stop",
        r.source(), code, restart && serviceManager == ServiceManager.NONE
            ? " and a detached copy will be started" : "");
    budget = StopBudget.startingNow(settings, ticker);
    Duration deadline = settings.hardDeadline();
    // Armed first: everything after this may block (a disk, the notify socket).
    hardDeadline.arm(deadline, stops::exitCode, () -> lastWords(r, duringStartup));
    stateFile.update(s -> {
      notifier.stopping((restart ? "Restarting" : "Stopping") + ": requested by " + r.source());
      notifier.extendTimeout(deadline.plusSeconds(5));
      return s.withState(GatewayState.DRAINING).withExit(code, r.source(), restart);
    });
    dispatcher.beginDrain(restart ? DrainReason.RESTART : DrainReason.STOP);
  }

  /** What the hard deadline does before it halts: keep a restart a restart, then record. */
  private void lastWords(StopRequest r, boolean duringStartup) {
    String outcome = "; hard deadline reached";
    if (r.kind() == StopKind.RESTART && serviceManager == ServiceManager.NONE
        && !stops.relaunchCancelled()) {
      outcome += relaunch.once(HardDeadline.LAST_WORDS.dividedBy(2))
          .map(why -> "; relaunch failed: " + why).orElse("");
    }
    String suffix = outcome;
    stateFile.seal(s -> s.withState(finalState(r, duringStartup))
        .withExit(stops.exitCode(), s.exitReason() + suffix, s.restartRequested()));
  }

  private static String finalState(StopRequest r, boolean duringStartup) {
    boolean failed = r.kind() == StopKind.CRASH || r.kind() == StopKind.CONFIG_ERROR;
    return duringStartup && failed ? GatewayState.STARTUP_FAILED : GatewayState.STOPPED;
  }

  private int tearDown(StopRequest first, int recordedCode, boolean duringStartup) {
    try {
      return stopSequence.run(new StopSequence.Context(first, recordedCode, budget,
          stops.skipDrain(), stops::relaunchCancelled, finalState(first, duringStartup)));
    } finally {
      hardDeadline.disarm();
    }
  }

  // ---- GatewayControl, for the slash commands ----

  @Override
  public RestartOutcome requestRestart(InboundMessage requester) {
    if (restartLedger.honoured(requester)) {
      log.info("ignoring /restart message {}: it already caused a restart (redelivered)",
          requester.dedupeKey());
      return RestartOutcome.ALREADY_HONOURED;
    }
    StopRequest request = StopRequest.restart("/restart from " + requester.chat());
    try {
      boolean first = stops.requestIf(request,
          () -> restartLedger.record(requester, clock.instant()));
      return first ? RestartOutcome.ACCEPTED : RestartOutcome.ALREADY_STOPPING;
    } catch (IOException e) {
      log.error("not restarting: could not record who asked ({}); without that record a"
          + " redelivered /restart would restart again", e.getMessage());
      return RestartOutcome.NOT_RECORDED;
    }
  }

  @Override
  public String state() {
    return stateFile.current().state();
  }

  @Override
  public Duration uptime() {
    return Duration.ofNanos(ticker.nanos() - startedNanos);
  }

  @Override
  public int activeTurns() {
    return dispatcher.activeTurns();
  }

  @Override
  public String backend() {
    return backend.describe();
  }

  @Override
  public String defaultModel() {
    return backend.defaultModel();
  }

  @Override
  public List<String> models() {
    return backend.models();
  }

  @Override
  public String version() {
    return version;
  }

  // ---- for tests and the CLI ----

  CompletableFuture<Integer> exitFuture() {
    return stops.exitFuture();
  }

  TaskSupervisor tasks() {
    return tasks;
  }

  StopCoordinator stopCoordinator() {
    return stops;
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  ProgressMonitor progress() {
    return progress;
  }

  /** The dispatcher's reports, kept in the journal. */
  private final class Listener implements DispatcherListener {
    @Override
    public void activeTurnsChanged(int activeTurns) {
      // Re-read under the state file's lock: counts reported by two turn threads may arrive
      // out of order, the dispatcher's own count may not. Written behind: twice per message.
      stateFile.updateSoon(s -> s.withActiveTurns(dispatcher.activeTurns()));
    }

    @Override
    public int started(InboundMessage message) {
      turnStarts.put(message.dedupeKey(), ticker.nanos());
      return store.journal().markRunning(message);
    }

    @Override
    public void finished(InboundMessage message, String outcome) {
      store.journal().markDone(message, outcome);
      turnEnded(message, outcome);
    }

    @Override
    public void deferred(InboundMessage message, DrainReason reason) {
      store.journal().markPending(message);
      turnEnded(message, "deferred");
    }

    /** Commands and refused messages never started a turn: they are not timed. */
    private void turnEnded(InboundMessage message, String outcome) {
      Long started = turnStarts.remove(message.dedupeKey());
      if (started != null) {
        metrics.turnEnded(Duration.ofNanos(ticker.nanos() - started), outcome);
      }
    }
  }

  /** Assembles a runtime; everything but home, settings, state file and backend has a default. */
  public static final class Builder {
    private final Path home;
    private final GatewaySettings settings;
    private final StateFile stateFile;
    private AgentBackend backend;
    private Store store;
    private AccessPolicy accessPolicy = AccessPolicy.denyAll();
    private List<PlatformAdapter> adapters = List.of();
    private SupervisorNotifier notifier = SupervisorNotifier.NONE;
    private ServiceManager serviceManager = ServiceManager.NONE;
    private Relauncher relauncher = () -> {
      throw new IOException("no relaunch command configured");
    };
    private Halter halter = Halter.RUNTIME;
    private Clock clock = Clock.systemUTC();
    private Ticker ticker = Ticker.system();
    private String version = "dev";
    private Thread startThread = Thread.currentThread();
    private Path credentialLockDir = CredentialLocks.defaultDir(System.getenv());
    private HttpServer httpServer;
    private LoginToken loginToken;
    private GatewayState.CrashLoop crashLoop;
    private Runnable afterDrain = () -> { };
    private dev.switchboard.common.Sleeper sleeper = dev.switchboard.common.Sleeper.SYSTEM;

    private Builder(Path home, GatewaySettings settings, StateFile stateFile) {
      this.home = home;
      this.settings = settings;
      this.stateFile = stateFile;
    }

    /** Runs between the drain and the teardown; tests gate the stop there. */
    Builder afterDrain(Runnable hook) {
      this.afterDrain = hook;
      return this;
    }

    /** The respawn breaker's verdict for this start; null to connect at once. */
    public Builder crashLoop(GatewayState.CrashLoop loop) {
      this.crashLoop = loop;
      return this;
    }

    public Builder sleeper(dev.switchboard.common.Sleeper s) {
      this.sleeper = s;
      return this;
    }

    public Builder backend(AgentBackend b) {
      this.backend = b;
      return this;
    }

    public Builder store(Store s) {
      this.store = s;
      return this;
    }

    /** Who may use the gateway; by default nobody until paired. */
    public Builder accessPolicy(AccessPolicy p) {
      this.accessPolicy = p;
      return this;
    }

    public Builder adapters(List<PlatformAdapter> a) {
      this.adapters = List.copyOf(a);
      return this;
    }

    public Builder notifier(SupervisorNotifier n) {
      this.notifier = n;
      return this;
    }

    public Builder serviceManager(ServiceManager m) {
      this.serviceManager = m;
      return this;
    }

    public Builder relauncher(Relauncher r) {
      this.relauncher = r;
      return this;
    }

    public Builder halter(Halter h) {
      this.halter = h;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Builder ticker(Ticker t) {
      this.ticker = t;
      return this;
    }

    public Builder version(String v) {
      this.version = v;
      return this;
    }

    /** Serves /health and /ready from start to stop; none by default. */
    public Builder httpServer(HttpServer server) {
      this.httpServer = server;
      return this;
    }

    /** The token the web chat and admin page ask for; null (the default) for no login. */
    public Builder loginToken(LoginToken token) {
      this.loginToken = token;
      return this;
    }

    /** Where bot credentials are locked (one gateway per credential on this machine). */
    public Builder credentialLockDir(Path dir) {
      this.credentialLockDir = dir;
      return this;
    }

    /** The thread that will call {@link GatewayRuntime#run()}; the caller's by default. */
    public Builder startThread(Thread t) {
      this.startThread = t;
      return this;
    }

    public GatewayRuntime build() {
      return new GatewayRuntime(this);
    }
  }
}
