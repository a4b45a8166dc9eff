package dev.switchboard.lifecycle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Ticker;
import dev.switchboard.platform.CommandInfo;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.store.Cursors;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One adapter as the gateway runs it: connect and disconnect bounded by timeouts whatever the
 * adapter does, background loops run in the supervised set, heartbeats in the progress
 * monitor, state changes in the state file. Adapters stay simple; the bounds live here.
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
  private final List<CommandInfo> commands;
  private final CredentialLocks credentials;
  private final BooleanSupplier draining;
  private volatile PlatformState state = PlatformState.DISCONNECTED;
  /** Set when the adapter reports a state during connect: then it, not the slot, has the say. */
  private volatile boolean adapterReported;

  private volatile boolean connecting;
  private final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
  /** Held while the platform may talk to its service with the credential; null otherwise. */
  @GuardedBy("this")
  private @Nullable GatewayLock credentialLock;

  PlatformSlot(PlatformAdapter adapter, SlotServices services) {
    this.adapter = adapter;
    this.tasks = services.tasks();
    this.progress = services.progress();
    this.stateFile = services.stateFile();
    this.clock = services.clock();
    this.ticker = services.ticker();
    this.cursors = services.cursors();
    this.commands = services.commands();
    this.credentials = services.credentials();
    this.draining = services.draining();
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
   * Connects within {@code timeout}; on failure the platform is marked failed, not fatal.
   *
   * <p>The bot credential's lock (lifecycle rule 9) is released when the connect failed: the
   * adapter returned, nothing of ours talks to the platform, and another gateway may take the
   * bot. It is kept when the connect timed out: the abandoned connect may still be talking to
   * the platform with the credential, so a second gateway could poll the same bot; the stop's
   * disconnect releases it.
   */
  boolean connect(InboundHandler inbound, Duration timeout) throws InterruptedException {
    reportState(PlatformState.CONNECTING, null);
    connecting = true;
    BoundedCall.Outcome outcome = BoundedCall.run("connect " + name(), timeout, () -> {
      adapter.connect(inbound, this);
      return null;
    });
    return switch (outcome) {
      case BoundedCall.Outcome.Done d -> {
        connecting = false;
        if (!adapterReported) {
          reportState(PlatformState.CONNECTED, null);
        }
        log.info("{}: connected", name());
        yield true;
      }
      case BoundedCall.Outcome.Failed f -> {
        String why = describe(f.error());
        log.error("{}: could not connect: {}", name(), why);
        retireHeartbeats();
        releaseCredential();
        reportState(PlatformState.FAILED, "connect failed: " + why);
        yield false;
      }
      case BoundedCall.Outcome.TimedOut t -> {
        log.error(
            "{}: did not connect within {} ms; giving up on it",
            name(),
            t.after().toMillis());
        retireHeartbeats();
        reportState(
            PlatformState.FAILED, "connect timed out after " + t.after().toSeconds() + " s");
        yield false;
      }
    };
  }

  /**
   * A failed or finished platform has no loop that should beat; left registered, its silent
   * heartbeat would hold back the systemd watchdog for ever.
   */
  private void retireHeartbeats() {
    heartbeats.forEach(Heartbeat::retire);
  }

  /** Disconnects within {@code timeout}; an adapter that fails or hangs is abandoned and logged. */
  void disconnect(Duration timeout) {
    retireHeartbeats();
    BoundedCall.Outcome outcome =
        BoundedCall.runIgnoringInterrupts("disconnect " + name(), timeout, () -> {
          adapter.disconnect();
          return null;
        });
    releaseCredential();
    switch (outcome) {
      case BoundedCall.Outcome.Done d -> {
        log.info("{}: disconnected", name());
        reportState(PlatformState.DISCONNECTED, null);
      }
      case BoundedCall.Outcome.Failed f -> {
        log.warn("{}: disconnect failed: {}", name(), describe(f.error()));
        reportState(PlatformState.DISCONNECTED, "disconnect failed: " + describe(f.error()));
      }
      case BoundedCall.Outcome.TimedOut t -> {
        log.warn(
            "{}: did not disconnect within {} ms; abandoned", name(), t.after().toMillis());
        reportState(PlatformState.DISCONNECTED, "disconnect timed out");
      }
    }
  }

  private static String describe(Throwable t) {
    String msg = t.getMessage();
    return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  @Override
  public void spawn(String loopName, Runnable loop) {
    tasks.spawn(name() + " " + loopName, loop);
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
  public void reportState(PlatformState newState, @Nullable String error) {
    if (connecting) {
      adapterReported = true;
    }
    state = newState;
    stateFile.update(s -> s.withPlatform(
        name(), new GatewayState.PlatformStatus(newState.label(), error, clock.instant())));
  }
}
