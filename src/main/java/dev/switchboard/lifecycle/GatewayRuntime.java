package dev.switchboard.lifecycle;

import dev.switchboard.command.GatewayControl;
import dev.switchboard.session.Dispatcher;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: starts its parts, serves until a stop is requested, and stops according to
 * the lifecycle contract (docs/architecture.md).
 *
 * <p>The parts are wired by {@link GatewayAssembly}; {@link StartSequence} starts them (the
 * dispatch loop, then HTTP, then the platforms, connected in parallel and each bounded, then
 * the watchdog, then READY) and {@link StopSequence} stops them in reverse. The single flight
 * and the exit code live in {@link StopCoordinator}, the recorded intent in {@link
 * StopRecorder}. {@link #run()} blocks the calling thread (main) until the stop is over and
 * returns the exit code; only {@code main} exits.
 */
public final class GatewayRuntime {
  private static final Logger log = LoggerFactory.getLogger(GatewayRuntime.class);

  private final GatewayAssembly parts;
  private final StartSequence start;
  private final StopCoordinator stops;
  private final GatewayControl control;

  private GatewayRuntime(
      GatewayAssembly parts, StartSequence start, StopCoordinator stops, GatewayControl control) {
    this.parts = parts;
    this.start = start;
    this.stops = stops;
    this.control = control;
  }

  public static RuntimeBuilder builder(Path home, GatewaySettings settings, StateFile stateFile) {
    return new RuntimeBuilder(home, settings, stateFile);
  }

  static GatewayRuntime assemble(RuntimeBuilder b) {
    StopHandle handle = new StopHandle();
    GatewayAssembly parts = new GatewayAssembly(b, handle);
    StopRecorder recorder = new StopRecorder(parts, handle);
    StopCoordinator stops = new StopCoordinator(
        r -> ExitCodes.forStop(r.kind(), parts.serviceManager),
        recorder,
        new StopSequence(parts, recorder, handle, b.afterDrain),
        b.startThread);
    handle.bind(stops);
    return new GatewayRuntime(parts, new StartSequence(parts, handle), stops, parts.control());
  }

  /** Starts, serves until stopped, and returns the exit code. Call once, from the start thread. */
  public int run() {
    try {
      start.run();
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

  /** Entry point for the signal handlers: TERM and INT stop, USR1 restarts, HUP depends. */
  public void onSignal(String name) {
    switch (name) {
      case "TERM", "INT" -> stops.request(StopRequest.signal(StopKind.STOP, "SIG" + name));
      case "HUP" -> onHangUp();
      case "USR1" -> stops.request(StopRequest.signal(StopKind.RESTART, "SIGUSR1"));
      default -> log.warn("ignoring signal SIG{}", name);
    }
  }

  /**
   * In a terminal SIGHUP means the terminal went away, so the gateway stops. To a daemon it
   * means "reload" ({@code systemctl reload}, {@code s6-svc -h}, {@code sv hup}), and a stop
   * there would leave it down for good: under a service manager it is a restart, and the new
   * process reads the configuration again.
   */
  private void onHangUp() {
    if (parts.serviceManager == ServiceManager.NONE) {
      stops.request(StopRequest.signal(StopKind.STOP, "SIGHUP"));
      return;
    }
    if (!stops.stopping()) {
      log.info(
          "SIGHUP under a service manager ({}) asks for a reload: restarting with exit code {}"
              + " so that it starts a new process, which reads the configuration again",
          parts.serviceManager.label(),
          ExitCodes.RESTART);
    }
    stops.request(StopRequest.signal(StopKind.RESTART, "SIGHUP"));
  }

  /** Requests a stop or restart from code (the CLI, tests); see {@link StopCoordinator}. */
  public boolean request(StopRequest request) {
    return stops.request(request);
  }

  /** The gateway as the slash commands see it. */
  public GatewayControl control() {
    return control;
  }

  /** running, draining, stopped...: what the state file says now. */
  public String state() {
    return parts.stateFile.current().state();
  }

  // ---- for tests ----

  CompletableFuture<Integer> exitFuture() {
    return stops.exitFuture();
  }

  TaskSupervisor tasks() {
    return parts.tasks;
  }

  StopCoordinator stopCoordinator() {
    return stops;
  }

  Dispatcher dispatcher() {
    return parts.dispatcher;
  }

  ProgressMonitor progress() {
    return parts.progress;
  }
}
