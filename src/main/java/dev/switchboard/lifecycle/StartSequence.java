package dev.switchboard.lifecycle;

import dev.switchboard.delivery.OutboxKeys;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.store.InboundJournal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phases of a start, the {@link StopSequence}'s in reverse: the dispatch loop, the HTTP
 * server (so a probe sees "starting" rather than nothing), the crash-loop wait, the platforms
 * (connected in parallel, each bounded), what the last process left unanswered, the watchdog,
 * READY, the notices owed since the last process (a requested restart is done), and the
 * store's retention, which runs from then on in the background.
 *
 * <p>Each phase that holds an outside resource is marked in {@link StartPhases} before it acts,
 * so when a phase fails the stop undoes exactly what was begun. A stop requested during the
 * start interrupts the start thread; its waits end and {@link #run} throws.
 */
final class StartSequence {
  private static final Logger log = LoggerFactory.getLogger(StartSequence.class);

  private final GatewayAssembly parts;
  private final StopHandle stops;

  StartSequence(GatewayAssembly parts, StopHandle stops) {
    this.parts = parts;
    this.stops = stops;
  }

  /**
   * Runs every phase on the calling thread.
   *
   * @throws InterruptedException when a stop was requested before or during the start
   * @throws StartFailure when a phase cannot be done (the HTTP port is taken)
   */
  void run() throws InterruptedException {
    if (stops.stopping()) {
      throw new InterruptedException("stop requested before the start"); // a replayed signal
    }
    StartBanner.starting(parts);
    parts.stateFile.update(s -> s.withServiceManager(parts.serviceManager.label())
        .withHardDeadline(parts.settings.hardDeadline()));
    parts.progress.register(parts.dispatcher.heartbeat());
    parts.tasks.spawnCritical("dispatch-loop", parts.dispatcher::runLoop);
    startHttp();
    if (parts.crashLoop != null) {
      CrashLoopHoldBack.hold(parts.crashLoop, parts.stateFile, parts.notifier, parts.sleeper);
    }
    // Before the standby wait: a standby has reported READY, and systemd's watchdog counts from
    // then on (pings before READY are harmless).
    parts.notifier.watchdogTimeout().ifPresent(timeout -> {
      log.info(
          "systemd watchdog every {} ms; pings sent only while all loops make progress",
          timeout.toMillis());
      parts.tasks.spawn("watchdog", new WatchdogPinger(parts.notifier, parts.progress, timeout));
    });
    becomeActive();
    List<InboundJournal.Entry> leftovers = parts.pipeline.leftovers();
    connectPlatforms();
    resume(leftovers);
    if (stops.stopping()) {
      throw new InterruptedException("stop requested during start");
    }
    ready();
    parts.metrics.bindJvmMeters();
    parts.tasks.spawn("notices after start", this::sendNoticesAfterStart);
    parts.tasks.spawn("job scheduler", () -> {
      try {
        parts.pipeline.awaitResumed(); // what the last process left goes before new runs
      } catch (InterruptedException e) {
        return;
      }
      parts.jobScheduler.run();
    });
    parts.tasks.spawn(
        "store upkeep",
        new StoreUpkeep(
            parts.pruner,
            parts.sleeper,
            new AttachmentSweep(parts.attachments, parts.store.journal(), parts.clock)));
  }

  /**
   * On a shared database, waits until this gateway is the active one: at once when no other is,
   * otherwise standing by (healthy, not ready) until the active one's lease lapses or it gives
   * it up. What the last process left is read after this, so a gateway that takes over
   * answers what the one before it left.
   */
  private void becomeActive() throws InterruptedException {
    GatewayLease lease = parts.gatewayLease;
    if (lease == null) {
      return;
    }
    lease.await(holder -> {
      log.info(
          "standing by: another gateway ({}) is active on this database; this one takes over"
              + " within {} s of its end",
          holder,
          lease.ttl().toSeconds());
      // READY for the service manager: the process is up and doing its job, which is waiting.
      // Under the state file's lock, as ready() does: never READY after a stop was recorded.
      parts.stateFile.update(s -> {
        if (!GatewayState.STARTING.equals(s.state())) {
          return s;
        }
        parts.notifier.ready("Standby: " + holder + " is active");
        return s.withState(GatewayState.STANDBY);
      });
    });
    parts.stateFile.update(
        s -> GatewayState.STANDBY.equals(s.state()) ? s.withState(GatewayState.STARTING) : s);
    // Another gateway answers from now on and this one's sends are refused: a drain would only
    // keep its platforms connected against the new one (Telegram answers two pollers 409).
    lease.keepRenewing(() -> stops.requestWithoutDrain(
        StopRequest.crash("another gateway took over the database"),
        "another gateway took over the database"));
    shareLogouts(); // after the renewals began: the lease must not wait for it
  }

  /**
   * The logged-out cookies are kept in the database from now on, and those of the gateways
   * active before are refused here too. A database that cannot be reached now is logged and
   * tried again at the next logout: not a reason to stop serving.
   */
  private void shareLogouts() {
    if (parts.loginToken != null) {
      parts.loginToken.shareLogouts(
          new StoredLogouts(parts.store.platformRecords(StoredLogouts.OWNER)));
    }
  }

  private void startHttp() {
    if (parts.http == null) {
      return;
    }
    parts.phases.begin(StartPhases.Phase.HTTP);
    InetSocketAddress at;
    try {
      at = parts.http.start();
    } catch (IOException e) {
      throw new StartFailure(String.valueOf(e.getMessage()));
    }
    String address = at.getHostString() + ":" + at.getPort();
    parts.stateFile.update(s -> s.withHttp(address));
    StartBanner.listening(at, parts.router.has("web"), parts.loginToken);
    if (parts.gatewayLease != null) {
      parts.gatewayLease.advertise(at);
    }
  }

  private void connectPlatforms() throws InterruptedException {
    parts.phases.begin(StartPhases.Phase.PLATFORMS);
    List<Thread> connecting = new ArrayList<>();
    for (PlatformSlot slot : parts.slots) {
      connecting.add(Thread.ofVirtual().name("connect " + slot.name()).start(() -> {
        try {
          slot.connect(
              m -> {
                parts.metrics.received(m.chat().platform());
                parts.pipeline.accept(m);
              },
              parts.settings.connectTimeout());
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

  /** What the last process left goes first; API requests it left are closed, not answered. */
  private void resume(List<InboundJournal.Entry> leftovers) {
    Set<String> enabled = parts.slots.stream().map(PlatformSlot::name).collect(Collectors.toSet());
    Set<String> requestPlatforms = parts.slots.stream()
        .filter(s -> !s.adapter().answersAfterRestart())
        .map(PlatformSlot::name)
        .collect(Collectors.toSet());
    parts.tasks.spawn("resume", () -> {
      try {
        parts.pipeline.resume(leftovers, enabled, requestPlatforms);
      } catch (InterruptedException e) {
        log.info("resume cut short: the gateway is stopping");
      }
    });
  }

  private void ready() {
    String summary = StartBanner.summary(parts.stateFile.current().platforms());
    // READY is sent under the state file's lock, as STOPPING is: systemd must never see READY
    // after STOPPING, and a stop recorded first leaves the state "draining", so no READY.
    parts.stateFile.update(s -> {
      if (!GatewayState.STARTING.equals(s.state())) {
        return s;
      }
      parts.notifier.ready("Running: " + summary);
      return s.withState(GatewayState.RUNNING);
    });
    StartBanner.running(summary, parts.slots.isEmpty());
    if (GatewayState.RUNNING.equals(parts.stateFile.current().state())) {
      parts.events.gatewayStarted(
          parts.version, parts.slots.stream().map(PlatformSlot::name).toList());
    }
  }

  /**
   * Lifecycle rule 6: the requester of a restart hears that it is done, once; then the home
   * channels hear how this process started (the requester's chat not twice).
   */
  private void sendNoticesAfterStart() {
    Optional<RestartLedger.Requester> requester = parts.restartLedger.claimPending();
    requester.ifPresent(this::tellRequester);
    // Counted again now: a platform still connecting at READY may have connected since.
    parts.homeNotices.started(
        parts.previousEnd,
        StartBanner.summary(parts.stateFile.current().platforms()),
        parts.crashLoop,
        requester.map(RestartLedger.Requester::chat).orElse(null));
  }

  private void tellRequester(RestartLedger.Requester requester) {
    ChatRef chat = requester.chat();
    if (!parts.router.has(chat.platform())) {
      log.warn(
          "the restart was requested from {}, which is not enabled now; cannot say"
              + " 'restarted' there",
          chat);
    } else if (parts.delivery.notice(
        chat,
        "\u2705 Gateway restarted (Switchboard " + parts.version + ").",
        OutboxKeys.restartDone(chat, requester.messageId()))) {
      log.info("told {} that the restart it asked for is done", chat);
    }
  }
}
