package dev.switchboard.lifecycle;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.auth.AccessPolicy;
import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.hooks.HookSettings;
import dev.switchboard.http.HttpServer;
import dev.switchboard.http.LoginToken;
import dev.switchboard.job.JobSettings;
import dev.switchboard.media.MediaSettings;
import dev.switchboard.media.SpeechSettings;
import dev.switchboard.media.TranscriptionSettings;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.store.Retention;
import dev.switchboard.store.Store;
import dev.switchboard.webhook.WebhookRoute;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Assembles a runtime; everything but home, settings, state file and backend has a default. */
public final class RuntimeBuilder {
  final Path home;
  final GatewaySettings settings;
  final StateFile stateFile;
  /** Required: build() fails without it. */
  @Nullable
  AgentBackend backend;
  /** Required: build() fails without it. */
  @Nullable
  Store store;

  AccessPolicy accessPolicy = AccessPolicy.denyAll();
  Retention retention = Retention.DEFAULTS;
  MediaSettings media = MediaSettings.DEFAULTS;
  TranscriptionSettings transcription = TranscriptionSettings.DISABLED;
  SpeechSettings speech = SpeechSettings.DISABLED;
  /** Null: no hooks are run (tests of the runtime). */
  @Nullable
  HookSettings hooks;

  JobSettings jobs = JobSettings.defaults();

  Map<String, String> environment = Map.of();
  List<PlatformAdapter> adapters = List.of();
  SupervisorNotifier notifier = SupervisorNotifier.NONE;
  ServiceManager serviceManager = ServiceManager.NONE;
  Relauncher relauncher = () -> {
    throw new IOException("no relaunch command configured");
  };
  Halter halter = Halter.RUNTIME;
  Clock clock = Clock.systemUTC();
  Ticker ticker = Ticker.system();
  String version = "dev";
  Thread startThread = Thread.currentThread();
  Path credentialLockDir = CredentialLocks.defaultDir(System.getenv());

  @Nullable
  HttpServer httpServer;

  @Nullable
  LoginToken loginToken;

  GatewayState.@Nullable CrashLoop crashLoop;

  @Nullable
  GatewayLease gatewayLease;

  PreviousEnd previousEnd = PreviousEnd.NONE;
  boolean allowUnknownSendTargets;
  List<WebhookRoute> webhooks = List.of();
  long webhookMaxBodyBytes = 1 << 20;
  Runnable afterDrain = () -> {};
  Sleeper sleeper = Sleeper.SYSTEM;

  RuntimeBuilder(Path home, GatewaySettings settings, StateFile stateFile) {
    this.home = home;
    this.settings = settings;
    this.stateFile = stateFile;
  }

  /** Runs between the drain and the teardown; tests gate the stop there. */
  RuntimeBuilder afterDrain(Runnable hook) {
    this.afterDrain = hook;
    return this;
  }

  /** send.allow_unknown_targets: sends on request may go to chats the gateway never saw. */
  public RuntimeBuilder allowUnknownSendTargets(boolean allow) {
    this.allowUnknownSendTargets = allow;
    return this;
  }

  /** The webhook routes to serve at /webhooks/<name>, and their body limit. */
  public RuntimeBuilder webhooks(List<WebhookRoute> routes, long maxBodyBytes) {
    this.webhooks = List.copyOf(routes);
    this.webhookMaxBodyBytes = maxBodyBytes;
    return this;
  }

  /** How the previous process ended, for the home channels' start notice. */
  RuntimeBuilder previousEnd(PreviousEnd end) {
    this.previousEnd = end;
    return this;
  }

  /** On a shared database: the lease that makes this gateway the active one; null otherwise. */
  RuntimeBuilder gatewayLease(@Nullable GatewayLease lease) {
    this.gatewayLease = lease;
    return this;
  }

  /** The respawn breaker's verdict for this start; null to connect at once. */
  public RuntimeBuilder crashLoop(GatewayState.@Nullable CrashLoop loop) {
    this.crashLoop = loop;
    return this;
  }

  public RuntimeBuilder sleeper(Sleeper s) {
    this.sleeper = s;
    return this;
  }

  public RuntimeBuilder backend(AgentBackend b) {
    this.backend = b;
    return this;
  }

  public RuntimeBuilder store(Store s) {
    this.store = s;
    return this;
  }

  /** What the store forgets, and when; the defaults of the settings unless told. */
  public RuntimeBuilder retention(Retention r) {
    this.retention = r;
    return this;
  }

  /** How much attachment data the gateway takes in; the settings' defaults unless told. */
  public RuntimeBuilder media(MediaSettings m) {
    this.media = m;
    return this;
  }

  /** Where voice notes are transcribed; off unless told. */
  public RuntimeBuilder transcription(TranscriptionSettings t) {
    this.transcription = t;
    return this;
  }

  /** Where replies are spoken for /voice on; off unless told. */
  public RuntimeBuilder speech(SpeechSettings s) {
    this.speech = s;
    return this;
  }

  /**
   * Runs the hooks in the state directory's {@code hooks/} and the configured ones; none unless
   * told.
   *
   * @param environment the gateway's, of which hooks get only a few harmless variables
   */
  public RuntimeBuilder hooks(HookSettings h, Map<String, String> environment) {
    this.hooks = h;
    this.environment = Map.copyOf(environment);
    return this;
  }

  /** How scheduled jobs run; by default in the system's time zone. */
  public RuntimeBuilder jobs(JobSettings j) {
    this.jobs = j;
    return this;
  }

  /** Who may use the gateway; by default nobody until paired. */
  public RuntimeBuilder accessPolicy(AccessPolicy p) {
    this.accessPolicy = p;
    return this;
  }

  public RuntimeBuilder adapters(List<PlatformAdapter> a) {
    this.adapters = List.copyOf(a);
    return this;
  }

  public RuntimeBuilder notifier(SupervisorNotifier n) {
    this.notifier = n;
    return this;
  }

  public RuntimeBuilder serviceManager(ServiceManager m) {
    this.serviceManager = m;
    return this;
  }

  public RuntimeBuilder relauncher(Relauncher r) {
    this.relauncher = r;
    return this;
  }

  public RuntimeBuilder halter(Halter h) {
    this.halter = h;
    return this;
  }

  public RuntimeBuilder clock(Clock c) {
    this.clock = c;
    return this;
  }

  public RuntimeBuilder ticker(Ticker t) {
    this.ticker = t;
    return this;
  }

  public RuntimeBuilder version(String v) {
    this.version = v;
    return this;
  }

  /** Serves /health and /ready from start to stop; none by default. */
  public RuntimeBuilder httpServer(@Nullable HttpServer server) {
    this.httpServer = server;
    return this;
  }

  /** The token the web chat and admin page ask for; null (the default) for no login. */
  public RuntimeBuilder loginToken(@Nullable LoginToken token) {
    this.loginToken = token;
    return this;
  }

  /** Where bot credentials are locked (one gateway per credential on this machine). */
  public RuntimeBuilder credentialLockDir(Path dir) {
    this.credentialLockDir = dir;
    return this;
  }

  /** The thread that will call {@link GatewayRuntime#run()}; the caller's by default. */
  public RuntimeBuilder startThread(Thread t) {
    this.startThread = t;
    return this;
  }

  public GatewayRuntime build() {
    return GatewayRuntime.assemble(this);
  }
}
