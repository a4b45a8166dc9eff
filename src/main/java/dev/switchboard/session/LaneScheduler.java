package dev.switchboard.session;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.delivery.OutboxKeys;
import dev.switchboard.hooks.EventChat;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.NoticeKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions' lanes and their turns, under one lock.
 *
 * <p>A lane holds a FIFO of waiting messages and at most one running turn. While a lane has
 * work exactly one runner (a virtual thread) takes its messages one at a time and ends when the
 * lane is empty; the idle lane is then dropped, so memory follows active sessions, not every
 * session ever seen. The session's {@link BusyPolicies busy policy} decides whether a new
 * message cancels the running turn. Each running turn is inside the {@link DrainGate}.
 *
 * <p>All lane and mode state is guarded by {@link #lock}. Work under it is a few field updates,
 * the drain gate's leaf lock and {@link Thread#interrupt()}; nothing under it calls a backend,
 * an adapter or a listener.
 *
 * <p>Guaranteed: a turn never starts while another turn of its session runs; no turn starts
 * once {@link #stopAccepting} was called; a cancel never interrupts a turn's thread once that
 * turn has begun delivering its final reply, nor the next turn on the same thread; an
 * exception while a turn is delivered ends that turn, not its session.
 */
final class LaneScheduler implements SessionLanes {
  private static final Logger log = LoggerFactory.getLogger(LaneScheduler.class);

  /** What the lanes held when they stopped accepting turns. */
  record Stopped(boolean first, List<InboundMessage> waiting, List<InboundMessage> running) {}

  private final DispatcherSettings settings;
  private final TurnKit turnKit;
  private final BusyPolicies busyPolicies;
  private final DispatcherListener listener;
  private final DrainGate gate;
  private final Notices notices;
  /** Messages resumed from the previous process whose turns have not started yet. */
  private final Set<String> resumed = ConcurrentHashMap.newKeySet();

  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private boolean accepting = true;
  /** Null until a drain begins. */
  @GuardedBy("lock")
  private @Nullable DrainReason drainReason;

  @GuardedBy("lock")
  private final Map<SessionKey, Lane> lanes = new HashMap<>();

  @GuardedBy("lock")
  private final Set<RunningTurn> running = new LinkedHashSet<>();

  LaneScheduler(
      DispatcherSettings settings,
      TurnKit turnKit,
      BusyPolicies busyPolicies,
      DispatcherListener listener,
      DrainGate gate,
      Notices notices) {
    this.settings = settings;
    this.turnKit = turnKit;
    this.busyPolicies = busyPolicies;
    this.listener = listener;
    this.gate = gate;
    this.notices = notices;
  }

  /** The next turn for {@code message} was left by the previous process: it is not superseded. */
  void markResumed(InboundMessage message) {
    resumed.add(message.dedupeKey());
  }

  /** A command has no turn to protect. */
  void forgetResumed(InboundMessage message) {
    resumed.remove(message.dedupeKey());
  }

  /**
   * Refuses turns from now on (with {@code reason}, once) and takes the waiting messages out of
   * every lane; says which messages were waiting and which have a turn running.
   */
  Stopped stopAccepting(DrainReason reason) {
    lock.lock();
    try {
      if (!accepting) {
        return new Stopped(false, List.of(), List.of());
      }
      accepting = false;
      drainReason = reason;
      List<InboundMessage> waiting = new ArrayList<>();
      for (Lane lane : List.copyOf(lanes.values())) {
        waiting.addAll(lane.takeWaiting());
        dropIfIdle(lane);
      }
      return new Stopped(true, waiting, running.stream().map(t -> t.message).toList());
    } finally {
      lock.unlock();
    }
  }

  /** Refuses turns from now on, leaving waiting messages where they are (the dispatcher closed). */
  void refuseTurns() {
    lock.lock();
    try {
      accepting = false;
    } finally {
      lock.unlock();
    }
  }

  boolean accepting() {
    lock.lock();
    try {
      return accepting;
    } finally {
      lock.unlock();
    }
  }

  static String deferral(DrainReason reason) {
    return "\u23f3 Switchboard is " + reason.doing() + ". I will answer this when it is back.";
  }

  /** When a turn is running or waiting, the chat hears at once what happens to this message. */
  @Override
  public void enqueueTurn(InboundMessage m, boolean alwaysQueue) {
    SessionKey key = SessionKey.of(m, settings.sessionPerUserInGroups());
    BusyPolicy policy = alwaysQueue ? BusyPolicy.QUEUE : busyPolicies.of(key);
    LaneAdmission admission;
    lock.lock();
    try {
      admission = !accepting
          ? LaneAdmission.DEFERRED
          : lanes.computeIfAbsent(key, Lane::new).admit(m, policy, settings.maxQueuedPerSession());
    } finally {
      lock.unlock();
    }
    switch (admission) {
      case LaneAdmission.Deferred d -> defer(m, drainReason());
      case LaneAdmission.Refused r -> {
        listener.finished(m, "refused");
        notice(m, NoticeKind.RETRY_LATER, r.why(), OutboxKeys.Topic.REFUSED);
      }
      case LaneAdmission.Queued q -> {
        if (q.acknowledgement() != null) {
          notice(m, NoticeKind.INFO, q.acknowledgement(), OutboxKeys.Topic.QUEUED_OR_SUPERSEDING);
        }
        if (q.toSupersede() != null) {
          cancel(q.toSupersede(), TurnControl.Reason.SUPERSEDED);
        }
        if (q.startRunner() != null) {
          startRunner(q.startRunner());
        }
      }
    }
  }

  private void startRunner(Lane lane) {
    try {
      turnKit.services().spawner().spawn("turns " + lane.key, () -> runLane(lane));
    } catch (RejectedExecutionException e) {
      List<InboundMessage> dropped;
      lock.lock();
      try {
        lane.runnerActive = false;
        dropped = lane.takeWaiting();
        dropIfIdle(lane);
      } finally {
        lock.unlock();
      }
      DrainReason why = drainReason();
      dropped.forEach(m -> listener.deferred(m, why));
    }
  }

  /** Leaves {@code m} to the next process and tells its chat so. */
  void defer(InboundMessage m, DrainReason reason) {
    listener.deferred(m, reason);
    notice(m, NoticeKind.RETRY_LATER, deferral(reason), OutboxKeys.Topic.DEFERRED);
  }

  private void runLane(Lane lane) {
    boolean endedNormally = false;
    try {
      while (true) {
        RunningTurn turn;
        int count;
        lock.lock();
        try {
          if (!accepting || lane.waiting.isEmpty()) {
            lane.runnerActive = false;
            dropIfIdle(lane);
            endedNormally = true;
            return;
          }
          turn = new RunningTurn(lane, lane.waiting.poll(), Thread.currentThread());
          turn.resumed = resumed.remove(turn.message.dedupeKey());
          lane.current = turn;
          running.add(turn);
          gate.enter();
          count = running.size();
        } finally {
          lock.unlock();
        }
        listener.activeTurnsChanged(count);
        runTurn(turn);
      }
    } finally {
      if (!endedNormally) {
        recoverRunner(lane);
      }
    }
  }

  private void runTurn(RunningTurn turn) {
    String outcome = "failed";
    GatewayEvents events = turnKit.services().events();
    EventChat chat = EventChats.of(turn.message, turn.lane.key);
    String text = UserText.of(turn.message);
    AtomicReference<@Nullable String> answer = new AtomicReference<>();
    long began = turnKit.services().ticker().nanos();
    int attempt = 0;
    try {
      attempt = listener.started(turn.message);
      outcome = new TurnExecution(turnKit, turn.message, attempt, turn.lane.key, turn.control)
          .run(() -> closeInterruptWindow(turn), this::drainReason, reply -> {
            listener.replied(turn.message, reply);
            answer.set(reply);
          });
    } catch (RuntimeException e) {
      if (turn.control.cancelled()) {
        // Cancelled while it waited (for a database that went away, say): the cancel ended it.
        log.info(
            "the turn for {} ended when it was cancelled ({}): {}",
            turn.lane.key,
            turn.control.reason(),
            e.getMessage());
      } else {
        // A bug or a platform failure while delivering ends this turn, not the session.
        log.error("the turn for {} failed", turn.lane.key, e);
      }
    } finally {
      endTurn(turn);
      if (TurnExecution.DEFERRED.equals(outcome)) {
        listener.deferred(turn.message, drainReason());
      } else {
        listener.finished(turn.message, outcome);
      }
      Duration took = Duration.ofNanos(turnKit.services().ticker().nanos() - began);
      events.turnFinished(chat, attempt, outcome, took, text, answer.get());
    }
  }

  /** After an Error escaped a turn: the lane must not be left claiming a runner it lacks. */
  private void recoverRunner(Lane lane) {
    boolean restart;
    lock.lock();
    try {
      lane.runnerActive = false;
      restart = accepting && !lane.waiting.isEmpty();
      if (restart) {
        lane.runnerActive = true;
      } else {
        dropIfIdle(lane);
      }
    } finally {
      lock.unlock();
    }
    if (restart) {
      startRunner(lane);
    }
  }

  private void closeInterruptWindow(RunningTurn turn) {
    lock.lock();
    try {
      turn.interruptible = false;
    } finally {
      lock.unlock();
    }
    // A cancel that landed before the window closed left the flag set; delivery must not see it.
    Thread.interrupted();
  }

  private void endTurn(RunningTurn turn) {
    int count;
    lock.lock();
    try {
      turn.lane.current = null;
      running.remove(turn);
      count = running.size();
    } finally {
      lock.unlock();
    }
    Thread.interrupted(); // never carry an interrupt into the next turn
    try {
      listener.activeTurnsChanged(count);
    } finally {
      gate.leave(); // a failing listener must not hold the drain open for ever
    }
  }

  @GuardedBy("lock")
  private void dropIfIdle(Lane lane) {
    if (lane.idle() && lanes.get(lane.key) == lane) {
      lanes.remove(lane.key);
    }
  }

  /**
   * Cancels a turn: the reason is set at once, the backend's cancel actions run on a task of
   * their own (they may do I/O), and the turn's thread is interrupted if it is still in the
   * backend.
   */
  private void cancel(RunningTurn turn, TurnControl.Reason reason) {
    turn.control.cancel(reason, actions -> notices.runAside("cancel " + turn.lane.key, actions));
    lock.lock();
    try {
      if (turn.lane.current == turn && turn.interruptible) {
        turn.thread.interrupt();
      }
    } finally {
      lock.unlock();
    }
  }

  private void notice(InboundMessage m, NoticeKind kind, String text, OutboxKeys.Topic topic) {
    notices.about(m, kind, text, OutboxKeys.about(m.dedupeKey(), topic));
  }

  /**
   * Cancels every running turn. A turn still inside the backend ends with a note that the
   * gateway will answer again when it is back, and is deferred; one already delivering its
   * reply finishes as answered. Returns how many were cancelled; the drain future completes
   * when they end.
   */
  int interruptRunning() {
    List<RunningTurn> turns;
    lock.lock();
    try {
      turns = new ArrayList<>(running);
    } finally {
      lock.unlock();
    }
    for (RunningTurn t : turns) {
      log.warn("interrupting the turn for {} (drain time is up)", t.lane.key);
      cancel(t, TurnControl.Reason.SHUTDOWN);
    }
    return turns.size();
  }

  @Override
  public boolean turnRunning(SessionKey key) {
    lock.lock();
    try {
      Lane lane = lanes.get(key);
      return lane != null && lane.current != null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int queuedMessages(SessionKey key) {
    lock.lock();
    try {
      Lane lane = lanes.get(key);
      return lane == null ? 0 : lane.waiting.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int stopSession(SessionKey key) {
    RunningTurn current;
    List<InboundMessage> dropped;
    lock.lock();
    try {
      Lane lane = lanes.get(key);
      if (lane == null) {
        return 0;
      }
      dropped = lane.takeWaiting();
      current = lane.current;
    } finally {
      lock.unlock();
    }
    dropped.forEach(m -> listener.finished(m, "stopped"));
    if (current != null) {
      cancel(current, TurnControl.Reason.USER_STOP);
    }
    return dropped.size() + (current == null ? 0 : 1);
  }

  /** Messages waiting behind running turns, in all sessions. */
  int queuedMessages() {
    lock.lock();
    try {
      return lanes.values().stream().mapToInt(l -> l.waiting.size()).sum();
    } finally {
      lock.unlock();
    }
  }

  /** The sessions with a turn running or messages waiting, for the admin page. */
  List<Dispatcher.SessionActivity> sessions() {
    lock.lock();
    try {
      return lanes.values().stream()
          .map(l -> new Dispatcher.SessionActivity(l.key.id(), l.current != null, l.waiting.size()))
          .sorted(Comparator.comparing(Dispatcher.SessionActivity::session))
          .toList();
    } finally {
      lock.unlock();
    }
  }

  int activeTurns() {
    lock.lock();
    try {
      return running.size();
    } finally {
      lock.unlock();
    }
  }

  /** Why turns are being deferred; STOP when no drain has begun (the dispatcher was closed). */
  DrainReason drainReason() {
    lock.lock();
    try {
      return drainReason == null ? DrainReason.STOP : drainReason;
    } finally {
      lock.unlock();
    }
  }
}
