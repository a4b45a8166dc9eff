package dev.switchboard.lifecycle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.SpokenDuration;
import dev.switchboard.common.Ticker;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.platform.CommandInfo;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformRecords;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.platform.ProactiveSender;
import dev.switchboard.store.Cursors;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One adapter as the gateway runs it: connect and disconnect bounded by timeouts whatever the
 * adapter does, a platform that could not connect or whose loop ended connected again by its
 * {@link PlatformReconnector}, background loops run in the supervised set, heartbeats in the
 * progress monitor, state changes in the state file. Adapters stay simple; the bounds live here.
 */
final class PlatformSlot implements PlatformContext {
  private static final Logger log = LoggerFactory.getLogger(PlatformSlot.class);

  private final PlatformAdapter adapter;
  private final TaskSupervisor tasks;
  private final ProgressMonitor progress;
  private final StateFile stateFile;
  private final Clock clock;
  private final Ticker ticker;
  private final Cursors cursors;
  private final SlotServices.SharedRecords sharedRecords;
  private final List<CommandInfo> commands;
  private final CredentialLocks credentials;
  private final BooleanSupplier draining;
  private final GatewayEvents hooks;
  private final ReconnectPolicy policy;
  private final PlatformEvents events;
  private final SlotServices.SendFailures sendFailures;
  private final ProactiveSender sends;
  private final Duration disconnectTimeout;
  private final PlatformReconnector reconnector;
  private volatile PlatformState state = PlatformState.DISCONNECTED;
  /** Set when the adapter reports a state during connect: then it, not the slot, has the say. */
  private volatile boolean adapterReported;

  private volatile boolean connecting;
  private volatile @Nullable String lastError;
  private final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
  /** Held while the platform may talk to its service with the credential; null otherwise. */
  @GuardedBy("this")
  private @Nullable GatewayLock credentialLock;

  private volatile @Nullable InboundHandler inbound;
  private volatile Duration connectTimeout = Duration.ofSeconds(30);

  PlatformSlot(PlatformAdapter adapter, SlotServices services) {
    this.adapter = adapter;
    this.tasks = services.tasks();
    this.progress = services.progress();
    this.stateFile = services.stateFile();
    this.clock = services.clock();
    this.ticker = services.ticker();
    this.cursors = services.cursors();
    this.sharedRecords = services.sharedRecords();
    this.commands = services.commands();
    this.credentials = services.credentials();
    this.draining = services.draining();
    this.hooks = services.hooks();
    this.policy = services.reconnect();
    this.events = services.events();
    this.sendFailures = services.sendFailures();
    this.sends = services.sends();
    this.disconnectTimeout = services.disconnectTimeout();
    this.reconnector = new PlatformReconnector(
        new Attempts(), tasks, policy, services.sleeper(), ThreadLocalRandom.current());
  }

  @Override
  public void sendFailed(String platformMessageId, String code, String reason) {
    sendFailures.failed(name(), platformMessageId, code, reason);
  }

  @Override
  public void tellOperator(String text) {
    events.operatorNotice(name(), text);
  }

  @Override
  public boolean draining() {
    return draining.getAsBoolean();
  }

  PlatformAdapter adapter() {
    return adapter;
  }

  String name() {
    return adapter.name();
  }

  PlatformState state() {
    return state;
  }

  /**
   * Connects within {@code timeout} and returns true when connected. A platform that could not
   * connect is not fatal: it is tried again in the background (its state says when), quickly
   * when what failed passes (the network), every gateway.reconnect.refused_every when it lasts
   * (credentials refused); the same happens whenever one of its loops ends.
   *
   * <p>The bot credential's lock (lifecycle rule 9) is released when an attempt failed: the
   * adapter returned, nothing of ours talks to the platform, and another gateway may take the
   * bot (the next attempt claims it again). It is kept when the connect timed out: the abandoned
   * connect may still be talking to the platform with it, so a second gateway could poll the
   * same bot; the teardown before the next attempt, or the stop's disconnect, releases it.
   */
  boolean connect(InboundHandler inbound, Duration timeout) throws InterruptedException {
    this.inbound = inbound;
    this.connectTimeout = timeout;
    return reconnector.connect();
  }

  private Optional<ConnectFailure> attempt() throws InterruptedException {
    InboundHandler handler = Objects.requireNonNull(inbound, "connect first");
    adapterReported = false;
    reportState(PlatformState.CONNECTING, null);
    connecting = true;
    BoundedCall.Outcome outcome = BoundedCall.run("connect " + name(), connectTimeout, () -> {
      adapter.connect(handler, this);
      return null;
    });
    connecting = false;
    return switch (outcome) {
      case BoundedCall.Outcome.Done d -> {
        if (!adapterReported) {
          // Not reportState: that logs "connected" for a loop that comes up later, and the
          // line below says it once.
          report(PlatformState.CONNECTED, null, null);
        }
        if (state == PlatformState.CONNECTED) {
          log.info("{}: connected", name());
        } else {
          log.info(
              "{}: started, {}{}",
              name(),
              state.label(),
              lastError == null ? "" : ": " + lastError);
        }
        yield Optional.empty();
      }
      case BoundedCall.Outcome.Failed f -> {
        retireHeartbeats();
        releaseCredential();
        yield Optional.of(ConnectFailure.of(f.error()));
      }
      case BoundedCall.Outcome.TimedOut t -> {
        retireHeartbeats();
        yield Optional.of(ConnectFailure.timedOut(t.after().toSeconds()));
      }
    };
  }

  /**
   * A failed or finished platform has no loop that should beat; left registered, its silent
   * heartbeat would hold back the systemd watchdog for ever. Forgotten too, so months of
   * reconnects leave none behind.
   */
  private void retireHeartbeats() {
    for (Heartbeat h : heartbeats) {
      h.retire();
      progress.forget(h);
    }
    heartbeats.clear();
  }

  /**
   * Disconnects for good within {@code timeout}: no retry from now on, then the adapter's
   * disconnect and close. An adapter that fails or hangs is abandoned and logged.
   */
  void disconnect(Duration timeout) {
    reconnector.close(timeout.dividedBy(2));
    retireHeartbeats();
    BoundedCall.Outcome outcome =
        BoundedCall.runIgnoringInterrupts("disconnect " + name(), timeout, () -> {
          try {
            adapter.disconnect();
          } finally {
            adapter.close();
          }
          return null;
        });
    releaseCredential();
    switch (outcome) {
      case BoundedCall.Outcome.Done d -> {
        log.info("{}: disconnected", name());
        reportState(PlatformState.DISCONNECTED, null);
      }
      case BoundedCall.Outcome.Failed f -> {
        log.warn("{}: disconnect failed: {}", name(), ConnectFailure.describe(f.error()));
        reportState(
            PlatformState.DISCONNECTED, "disconnect failed: " + ConnectFailure.describe(f.error()));
      }
      case BoundedCall.Outcome.TimedOut t -> {
        log.warn(
            "{}: did not disconnect within {} ms; abandoned", name(), t.after().toMillis());
        reportState(PlatformState.DISCONNECTED, "disconnect timed out");
      }
    }
  }

  /** Before another attempt: what the last connection left is stopped, not closed for good. */
  private void tearDown() {
    retireHeartbeats();
    BoundedCall.Outcome outcome =
        BoundedCall.runIgnoringInterrupts("disconnect " + name(), disconnectTimeout, () -> {
          adapter.disconnect();
          return null;
        });
    if (outcome instanceof BoundedCall.Outcome.Done) {
      releaseCredential();
    } else {
      log.warn("{}: could not tear down the last connection: {}", name(), outcome);
    }
  }

  @Override
  public void spawn(String loopName, Runnable loop) {
    int generation = reconnector.generation();
    tasks.spawn(name() + " " + loopName, () -> {
      try {
        loop.run();
      } finally {
        loopEnded(generation, loopName);
      }
    });
  }

  /**
   * A loop of the platform ended. Its heartbeats are retired at once so the watchdog goes on
   * pinging while the platform reconnects; whether to reconnect is the reconnector's call (not
   * at a stop, not for a connection already replaced).
   */
  private void loopEnded(int generation, String loopName) {
    ConnectFailure why = state == PlatformState.FAILED && lastError != null
        ? new ConnectFailure(lastError, true)
        : ConnectFailure.loopEnded(loopName);
    if (generation == reconnector.generation()) {
      retireHeartbeats();
    }
    reconnector.loopEnded(generation, why);
  }

  @Override
  public Optional<ProactiveSender> proactiveSender() {
    return Optional.of(sends);
  }

  @Override
  public Duration reconnectCap() {
    return policy.maxDelay();
  }

  @Override
  public Heartbeat heartbeat(String loopName, Duration maxSilence) {
    Heartbeat h = new Heartbeat(name() + " " + loopName, maxSilence, ticker);
    heartbeats.add(h);
    progress.register(h);
    return h;
  }

  @Override
  public synchronized void claimCredential(String credential) throws PlatformException {
    if (credentialLock == null) {
      credentialLock = credentials.claim(name(), credential);
    }
  }

  /** After the platform stopped talking to its service, another gateway may use the bot. */
  private synchronized void releaseCredential() {
    if (credentialLock != null) {
      try {
        credentialLock.close();
      } catch (IOException e) {
        log.warn("{}: could not release the credential lock: {}", name(), e.getMessage());
      }
      credentialLock = null;
    }
  }

  @Override
  public List<CommandInfo> commands() {
    return commands;
  }

  @Override
  public Optional<String> loadCursor(String name) {
    return cursors.get(name(), name);
  }

  @Override
  public void saveCursor(String name, String value) {
    cursors.put(name(), name, value);
  }

  @Override
  public Optional<PlatformRecords> sharedRecords() {
    return sharedRecords.of(name());
  }

  @Override
  public void reportState(PlatformState newState, @Nullable String error) {
    if (connecting) {
      adapterReported = true;
    } else if (newState == PlatformState.CONNECTED && state != PlatformState.CONNECTED) {
      log.info("{}: connected", name()); // a loop that came up after the connect returned
    }
    report(newState, error, null);
  }

  private void report(PlatformState newState, @Nullable String error, @Nullable Instant next) {
    state = newState;
    lastError = error;
    stateFile.update(s -> s.withPlatform(
        name(), new GatewayState.PlatformStatus(newState.label(), error, clock.instant(), next)));
    hooks.platformState(name(), newState.label(), error);
  }

  /** The reconnector's view of this slot. */
  private final class Attempts implements PlatformReconnector.Attempts {
    @Override
    public String name() {
      return PlatformSlot.this.name();
    }

    @Override
    public Optional<ConnectFailure> attempt() throws InterruptedException {
      return PlatformSlot.this.attempt();
    }

    @Override
    public void tearDown() {
      PlatformSlot.this.tearDown();
    }

    @Override
    public void retryIn(ConnectFailure failure, Duration delay, int failuresInARow) {
      Instant next = clock.instant().plus(delay);
      if (failure.lasting()) {
        log.error(
            "{}: could not connect: {}; a quick retry cannot help, so trying again every {}"
                + " (next at {})",
            name(),
            failure.why(),
            SpokenDuration.of(policy.refusedEvery()),
            next);
        report(PlatformState.FAILED, failure.why(), next);
        events.failed(name(), failure.why());
      } else {
        log.warn(
            "{}: could not connect ({} in a row): {}; trying again in {} ms",
            name(),
            failuresInARow,
            failure.why(),
            delay.toMillis());
        report(PlatformState.CONNECTING, failure.why(), next);
      }
    }

    @Override
    public void reconnected(int failures, Duration took) {
      events.back(name());
      log.info(
          "{}: connected again after {} failed attempt(s) over {} s",
          name(),
          failures,
          took.toSeconds());
    }
  }
}
