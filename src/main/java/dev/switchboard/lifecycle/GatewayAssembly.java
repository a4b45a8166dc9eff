package dev.switchboard.lifecycle;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.auth.Authorizer;
import dev.switchboard.auth.Pairing;
import dev.switchboard.auth.PairingCodes;
import dev.switchboard.command.CommandTable;
import dev.switchboard.common.OwnerOnly;
import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.PlatformRouter;
import dev.switchboard.delivery.ProactiveSend;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.hooks.HookEvents;
import dev.switchboard.http.AdminCron;
import dev.switchboard.http.AdminPage;
import dev.switchboard.http.HealthEndpoints;
import dev.switchboard.http.HttpMount;
import dev.switchboard.http.HttpServer;
import dev.switchboard.http.LoginToken;
import dev.switchboard.http.MetricsEndpoint;
import dev.switchboard.http.SendUploads;
import dev.switchboard.job.JobDesk;
import dev.switchboard.job.JobOutcomes;
import dev.switchboard.job.JobScheduler;
import dev.switchboard.media.AttachmentStore;
import dev.switchboard.media.DocumentText;
import dev.switchboard.media.OutgoingFiles;
import dev.switchboard.media.SpeechSynthesizer;
import dev.switchboard.media.Transcriber;
import dev.switchboard.platform.CommandInfo;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.platform.ProactiveSender;
import dev.switchboard.session.AttachmentIntake;
import dev.switchboard.session.CommandSetup;
import dev.switchboard.session.Dispatcher;
import dev.switchboard.session.InboundPipeline;
import dev.switchboard.session.JournalListener;
import dev.switchboard.session.SessionServices;
import dev.switchboard.session.SyntheticTurns;
import dev.switchboard.session.TurnObserver;
import dev.switchboard.session.VoiceReplies;
import dev.switchboard.store.Pruner;
import dev.switchboard.store.Store;
import dev.switchboard.webhook.Webhooks;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring: every part of a running gateway, built once from a {@link RuntimeBuilder} and
 * shared by the {@link StartSequence} and the {@link StopSequence}, which start and stop the
 * same parts in opposite orders. Parts that may ask for the stop get the {@link StopHandle}.
 */
final class GatewayAssembly {
  private static final Logger log = LoggerFactory.getLogger(GatewayAssembly.class);

  final Path home;
  final GatewaySettings settings;
  final String version;
  final Clock clock;
  final Ticker ticker;
  final Sleeper sleeper;
  final StateFile stateFile;
  final SupervisorNotifier notifier;
  final ServiceManager serviceManager;
  final Store store;
  final AgentBackend backend;
  final Authorizer authorizer;
  final TaskSupervisor tasks;
  final ProgressMonitor progress = new ProgressMonitor();
  final GatewayMetrics metrics = new GatewayMetrics();
  final PlatformRouter router;
  final Delivery delivery;
  final Dispatcher dispatcher;
  final InboundPipeline pipeline;
  final Pruner pruner;
  final AttachmentStore attachments;
  final List<PlatformSlot> slots = new ArrayList<>();
  final RestartLedger restartLedger;
  final HardDeadline hardDeadline;
  final Relaunch relaunch;
  final StartPhases phases = new StartPhases();
  private final RuntimeControl control;
  /** Null when this runtime runs no hooks. */
  final @Nullable HookEvents hooks;
  /** What happens, for the hooks: the sessions, the platforms, the start and the stop report it. */
  final GatewayEvents events;
  /** Null when nothing is served over HTTP. */
  final @Nullable HttpServer http;
  /** Null when the HTTP pages need no login. */
  final @Nullable LoginToken loginToken;
  /** Null unless the respawn breaker tripped: then the start waits before connecting. */
  final GatewayState.@Nullable CrashLoop crashLoop;
  /** Null unless the store is shared: then the start waits for it before it acts. */
  final @Nullable GatewayLease gatewayLease;

  final PreviousEnd previousEnd;
  final HomeNotices homeNotices;
  final JobScheduler jobScheduler;
  private final SyntheticTurns synthetic;

  GatewayAssembly(RuntimeBuilder b, StopHandle stops) {
    this.home = b.home;
    this.settings = b.settings;
    this.version = b.version;
    this.clock = b.clock;
    this.ticker = b.ticker;
    this.sleeper = b.sleeper;
    this.stateFile = b.stateFile;
    this.notifier = b.notifier;
    this.serviceManager = b.serviceManager;
    this.store = Objects.requireNonNull(b.store, "store");
    this.backend = Objects.requireNonNull(b.backend, "backend");
    this.http = b.httpServer;
    this.loginToken = b.loginToken;
    this.crashLoop = b.crashLoop;
    this.gatewayLease = b.gatewayLease;
    this.previousEnd = b.previousEnd;
    this.restartLedger = new RestartLedger(home);
    this.hooks = b.hooks == null
        ? null
        : HookEvents.start(home, b.hooks, b.environment, metrics, clock, ticker);
    this.events = hooks == null ? GatewayEvents.NONE : hooks;
    this.authorizer = new Authorizer(b.accessPolicy, store.pairings());
    this.tasks = new TaskSupervisor(ticker, reason -> {
      if (stops.stopping()) {
        return; // the stop itself ends critical tasks
      }
      log.error("{}; stopping the gateway so its supervisor can start a healthy one", reason);
      stops.request(StopRequest.crash(reason));
    });
    Halter halter = b.halter;
    this.hardDeadline = new HardDeadline(
        code -> {
          halter.halt(code);
          stops.forceExit(code); // reached only when the halter returns, as in tests
        },
        home.resolve("logs"));
    this.relaunch = new Relaunch(b.relauncher);
    this.attachments = AttachmentStore.in(home);
    keepPdfFontCache(home);
    this.router = new PlatformRouter(b.adapters);
    OutgoingFiles outgoing = new OutgoingFiles(attachments, b.media);
    this.delivery = new Delivery(router, store.outbox(), ticker, metrics).withFiles(outgoing);
    ProactiveSend sends = new ProactiveSend(
        delivery,
        router::has,
        store.journal(),
        store.homeChannels(),
        b.allowUnknownSendTargets,
        outgoing);

    this.homeNotices = new HomeNotices(
        store.homeChannels(),
        delivery,
        tasks,
        new HomeNotices.Sender(version, ProcessHandle.current().pid(), clock.millis()),
        () -> b.settings.reconnect().refusedEvery());
    // The control and the turn tracker report the dispatcher's count of running turns, and the
    // dispatcher is built with both: the one reference that is filled in after the fact.
    AtomicReference<Dispatcher> built = new AtomicReference<>();
    this.control = new RuntimeControl(
        stops,
        restartLedger,
        new RuntimeControl.Sources(
            stateFile,
            backend,
            () -> built.get().activeTurns(),
            clock,
            ticker,
            version,
            store.homeChannels()));
    CommandTable commands = CommandTable.standard(List.of());
    this.dispatcher = new Dispatcher(
        settings.dispatcher(),
        new SessionServices(
                backend,
                delivery,
                store.conversations(),
                tasks,
                ticker,
                new AttachmentIntake(
                    new AdapterAttachments(b.adapters),
                    attachments,
                    b.media,
                    store.journal(),
                    b.transcription.enabled() ? new Transcriber(b.transcription) : null,
                    b.transcription),
                b.speech.enabled()
                    ? new VoiceReplies(new SpeechSynthesizer(b.speech), attachments)
                    : VoiceReplies.NONE)
            .withEvents(events),
        new CommandSetup(commands, control, authorizer::isAdmin),
        new JournalListener(
            store.journal(),
            TurnObserver.both(
                new TurnTracker(stateFile, metrics, ticker, () -> built.get().activeTurns()),
                new JobOutcomes(
                    store.jobs(),
                    (job, run, outcome) -> this.homeNotices.jobFailed(job, run, outcome)))));
    built.set(dispatcher);
    this.pipeline = new InboundPipeline(
        store.journal(),
        store.outbox(),
        authorizer,
        new Pairing(store.pairings(), new PairingCodes(new SecureRandom()), clock),
        dispatcher,
        delivery,
        ticker);

    // Jobs and webhooks start their turns through the one journal and dispatcher.
    this.synthetic = new SyntheticTurns(store.journal(), dispatcher, clock);
    this.jobScheduler = new JobScheduler(store.jobs(), synthetic, delivery, events, clock, b.jobs);
    // A job's answer needs a chat that outlives a request: not the API server's.
    Set<String> jobPlatforms = b.adapters.stream()
        .filter(PlatformAdapter::answersAfterRestart)
        .map(PlatformAdapter::name)
        .collect(Collectors.toSet());
    JobDesk jobDesk =
        new JobDesk(store.jobs(), jobScheduler, b.jobs, clock, jobPlatforms::contains);
    control.jobs(jobDesk);
    SlotServices shared = new SlotServices(
        tasks,
        progress,
        stateFile,
        store.cursors(),
        platform ->
            store.shared() ? Optional.of(store.platformRecords(platform)) : Optional.empty(),
        commands.all().stream()
            .map(c -> new CommandInfo(c.name(), c.description()))
            .toList(),
        new CredentialLocks(b.credentialLockDir, b.gatewayLease != null),
        dispatcher::draining,
        events,
        b.settings.reconnect(),
        homeNotices,
        sends,
        b.settings.disconnectTimeout(),
        sleeper,
        clock,
        ticker,
        new LateSendFailures(metrics, store.outbox()));
    b.adapters.forEach(adapter -> slots.add(new PlatformSlot(adapter, shared)));
    metrics.watch(dispatcher::activeTurns, dispatcher::queuedMessages, slots::size, () ->
        (int) slots.stream().filter(s -> s.state() == PlatformState.CONNECTED).count());
    metrics.watchStore(store::bytesOnDisk);
    if (gatewayLease != null) {
      metrics.watchLease(gatewayLease, clock);
    }
    this.pruner = new Pruner(store, b.retention, clock, ticker, sleeper);
    if (http != null) {
      Supplier<Optional<URI>> forwardTarget =
          gatewayLease == null ? Optional::empty : gatewayLease::forwardTarget;
      http.loginToken(loginToken);
      HealthEndpoints.install(http, new GatewayHealth(stateFile, progress, forwardTarget));
      if (gatewayLease != null) {
        http.forwardWhileStandingBy(forwardTarget);
      }
      MetricsEndpoint.install(http, metrics::scrape);
      AdminPage.install(
          http,
          loginToken,
          new AdminStatus(stateFile, dispatcher),
          () -> stops.request(StopRequest.restart("the admin page")),
          new SendAnswers(sends, this::standingByFor),
          new SendUploads(
              b.media.maxFileBytes(), ProactiveSender.MAX_FILES, attachments.incoming()));
      AdminCron.install(http, loginToken, arguments -> {
        // Jobs run on the active gateway: a standby's "run" could not even journal its turn.
        Optional<String> active = standingByFor();
        if (active.isPresent()) {
          return new AdminCron.Answer(
              503,
              "this gateway is standing by; " + active.get()
                  + " is the active one: manage jobs through it");
        }
        JobDesk.Answer answer =
            jobDesk.handle(new JobDesk.Asker(null, "the command line", true), arguments);
        return new AdminCron.Answer(answer.done(), answer.text());
      });
      // Webhooks: each route's deliveries become synthetic turns (or direct sends).
      Webhooks.install(
          http,
          b.webhooks,
          b.webhookMaxBodyBytes,
          synthetic,
          delivery,
          () -> dispatcher.draining() || !active(),
          metrics,
          ticker);
      for (PlatformAdapter adapter : b.adapters) {
        if (adapter instanceof HttpMount mount) {
          mount.mount(http);
        }
      }
    }
  }

  /** The active gateway's name while this one stands by (or lost its lease); else empty. */
  Optional<String> standingByFor() {
    return active() || gatewayLease == null
        ? Optional.empty()
        : Optional.of(gatewayLease.currentHolderOr("another gateway"));
  }

  /** Whether this gateway may act: it is alone on its store, or holds the store's lease. */
  boolean active() {
    return gatewayLease == null || gatewayLease.held();
  }

  /** PDFBox's cache of the system's fonts in the state directory, made on the first PDF. */
  private static void keepPdfFontCache(Path home) {
    Path dir = home.resolve("cache");
    try {
      OwnerOnly.createDirectories(dir);
      DocumentText.keepPdfFontCacheIn(dir);
    } catch (IOException e) {
      log.warn("cannot make {} ({}); PDFBox keeps its font cache in its default place", dir, e);
    }
  }

  /** The control the slash commands were given. */
  RuntimeControl control() {
    return control;
  }

  /** Closes the HTTP server (when there is one), then the metrics it served. */
  void closeHttpAndMetrics() throws Exception {
    try {
      if (http != null) {
        http.close();
      }
    } finally {
      metrics.close();
    }
  }
}
