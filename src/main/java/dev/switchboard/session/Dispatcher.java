package dev.switchboard.session;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.Approver;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.command.Command;
import dev.switchboard.command.CommandTable;
import dev.switchboard.command.GatewayControl;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.TaskSpawner;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.NoticeKind;
import dev.switchboard.store.Conversations;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes inbound messages to slash commands or to agent turns, one lane per session.
 *
 * <h2>Design</h2>
 *
 * <p>Adapters call {@link #submit} from their receive threads; it only puts the message in a
 * bounded intake queue, waiting up to {@code intakeWait} for room, which slows the adapter
 * instead of dropping messages. One dispatch loop takes messages in arrival order and runs
 * slash commands at once, on the loop, ahead of any turn (so /stop works while a turn runs);
 * anything else is appended to its session's lane. The loop beats a {@link Heartbeat} on every
 * iteration, idle or not; the watchdog and health follow it. The loop never waits on a
 * platform: its replies and notices, and the backends' cancel actions, run on tasks of their
 * own, so one slow chat cannot stall every other.
 *
 * <p>A lane holds a FIFO of waiting messages and at most one running turn. While a lane has
 * work exactly one runner (a virtual thread) takes its messages one at a time and ends when the
 * lane is empty; the idle lane is then dropped, so memory follows active sessions, not every
 * session ever seen. The busy policy decides whether a new message cancels the running turn.
 *
 * <p>All lane and mode state is guarded by {@link #lock}. Work under it is a few field updates
 * and {@link Thread#interrupt()}; nothing under it calls a backend, an adapter or a listener.
 *
 * <p>Modes: ACCEPTING, then DRAINING once a stop or restart begins, then CLOSED. While draining,
 * new turns are deferred with a message saying why ("I will answer when I am back"), waiting
 * messages likewise, and running turns may finish; {@link #beginDrain} returns
 * a future completed when no turn runs, no command is executing and no notice is on its way
 * (re-checked whenever one of them ends, like Jetty's {@code Graceful}): a command's reply,
 * such as /restart's "Restarting…", reaches the chat before the platforms disconnect. {@link #interruptRunning} then cancels what is left. Commands still
 * run while draining. Once CLOSED the loop has ended; messages still in the intake, and any
 * submitted later, are deferred like the rest. Every message is reported to the {@link
 * DispatcherListener} (the journal) as started, finished or deferred: a deferred one stays
 * in the journal and the next process answers it.
 *
 * <p>Guaranteed: a turn never starts while another turn of its session runs; no turn starts
 * after {@link #beginDrain}; a cancel never interrupts a turn's thread once that turn has begun
 * delivering its final reply, nor the next turn on the same thread; an exception while a turn
 * is delivered ends that turn, not its session. Not guaranteed: any order between different
 * sessions, or between a command's reply and a turn's reply.
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final Duration LOOP_POLL = Duration.ofSeconds(1);
  /** The loop beats at least every LOOP_POLL; far longer means it is stuck in a command. */
  public static final Duration LOOP_MAX_SILENCE = Duration.ofSeconds(15);

  private enum Mode { ACCEPTING, DRAINING, CLOSED }

  private final DispatcherSettings settings;
  private final AgentBackend backend;
  private final Delivery delivery;
  private final CommandTable commands;
  private final GatewayControl gateway;
  private final DispatcherListener listener;
  private final TaskSpawner spawner;
  private final Conversations conversations;
  private final Predicate<InboundMessage> isAdmin;
  private final BlockingQueue<InboundMessage> intake;
  private final Heartbeat loopHeartbeat;
  private final PendingApprovals approvals = new PendingApprovals();
  /** Messages resumed from the previous process whose turns have not started yet. */
  private final Set<String> resumed = ConcurrentHashMap.newKeySet();
  /** Sessions that chose their own busy policy with /busy, by session key. */
  private final Map<String, BusyPolicy> busyPolicies = new ConcurrentHashMap<>();

  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock:
  private Mode mode = Mode.ACCEPTING;
  private DrainReason drainReason;
  private final Map<SessionKey, Lane> lanes = new HashMap<>();
  private final Set<RunningTurn> running = new LinkedHashSet<>();
  /** Commands executing plus notices on their way; the drain waits for them too. */
  private int busy;
  private CompletableFuture<Void> drained;
  private Thread loopThread;

  /**
   * @param conversations where each session's conversation number (changed by /new) and
   *     transcript are kept
   * @param isAdmin whether a message's sender may run admin-only commands
   */
  public Dispatcher(DispatcherSettings settings, AgentBackend backend, Delivery delivery,
      CommandTable commands, GatewayControl gateway, DispatcherListener listener,
      TaskSpawner spawner, Ticker ticker, Conversations conversations,
      Predicate<InboundMessage> isAdmin) {
    this.settings = settings;
    this.conversations = conversations;
    this.isAdmin = isAdmin;
    this.backend = backend;
    this.delivery = delivery;
    this.commands = commands;
    this.gateway = gateway;
    this.listener = listener;
    this.spawner = spawner;
    this.intake = new ArrayBlockingQueue<>(settings.intakeCapacity());
    this.loopHeartbeat = new Heartbeat("dispatch-loop", LOOP_MAX_SILENCE, ticker);
    conversations.settingsNamed(SessionSettings.BUSY_POLICY).forEach((session, value) ->
        parseBusyPolicy(value).ifPresent(p -> busyPolicies.put(session, p)));
  }

  static Optional<BusyPolicy> parseBusyPolicy(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "interrupt" -> Optional.of(BusyPolicy.INTERRUPT);
      case "queue" -> Optional.of(BusyPolicy.QUEUE);
      default -> Optional.empty();
    };
  }

  public Heartbeat heartbeat() {
    return loopHeartbeat;
  }

  /**
   * Takes a message the previous process left unanswered. Its turn is not interrupted by newer
   * messages whatever the busy policy: its sender already waited through a restart, and what
   * they wrote meanwhile queues behind it, in order.
   */
  public void submitResumed(InboundMessage message) throws InterruptedException {
    resumed.add(message.dedupeKey());
    submit(message);
  }

  /**
   * Takes responsibility for one message. Waits for room in the intake when it is full; if none
   * comes in time, the chat is told the gateway is overloaded. After {@link #close} the message
   * is deferred to the next process.
   */
  public void submit(InboundMessage message) throws InterruptedException {
    if (closed()) {
      log.info("message from {} arrived after the dispatcher closed; deferred", message.chat());
      listener.deferred(message, drainReasonOr(DrainReason.STOP));
      return;
    }
    if (!intake.offer(message, settings.intakeWait().toNanos(), TimeUnit.NANOSECONDS)) {
      log.warn("intake full ({} messages waited {} ms); telling {} to send again",
          settings.intakeCapacity(), settings.intakeWait().toMillis(), message.chat());
      listener.finished(message, "refused");
      noticeLater(message, NoticeKind.RETRY_LATER, "Switchboard is overloaded and could not take this"
          + " message. Please send it again in a minute.", message.dedupeKey() + ":overloaded");
    }
  }

  /**
   * The dispatch loop; the gateway runs it as a critical supervised task. Returns when the
   * dispatcher is closed or the thread is interrupted.
   */
  public void runLoop() {
    lock.lock();
    try {
      loopThread = Thread.currentThread();
    } finally {
      lock.unlock();
    }
    try {
      while (!closed()) {
        InboundMessage m;
        try {
          m = intake.poll(LOOP_POLL.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          break;
        }
        loopHeartbeat.beat();
        if (m != null) {
          try {
            route(m);
          } catch (RuntimeException e) {
            // One bad message must not take the loop (and every chat) down with it.
            log.error("failed to route a message from {}", m.chat(), e);
          }
        }
      }
    } finally {
      loopHeartbeat.retire();
      log.debug("dispatch loop ended");
    }
  }

  private void route(InboundMessage m) {
    Optional<CommandTable.Invocation> invocation = CommandTable.parse(m.text());
    if (invocation.isPresent()) {
      resumed.remove(m.dedupeKey()); // a command has no turn to protect
      runCommand(m, invocation.get());
    } else {
      enqueueTurn(m, false);
    }
  }

  private void runCommand(InboundMessage m, CommandTable.Invocation invocation) {
    Optional<Command> command = commands.find(invocation.name());
    if (command.isEmpty()) {
      noticeLater(m, NoticeKind.ANSWER, "Unknown command /" + invocation.name()
          + ". Send /help to see the commands.", m.dedupeKey() + ":unknown");
      listener.finished(m, "unknown command");
      return;
    }
    if (command.get().adminOnly() && !isAdmin.test(m)) {
      log.info("refused /{} to {} in {}: not an admin", invocation.name(),
          m.sender().userId(), m.chat());
      noticeLater(m, NoticeKind.ANSWER, "Only an admin can use /" + invocation.name() + ".",
          m.dedupeKey() + ":refused");
      listener.finished(m, "refused");
      return;
    }
    SessionKey key = SessionKey.of(m, settings.sessionPerUserInGroups());
    busy(+1);
    try {
      SessionCommandContext context = new SessionCommandContext(this, m, invocation.arguments(),
          key, gateway, commands);
      command.get().execute(context);
      if (!context.turnSubmitted()) {
        // a command that became a turn (/queue, /retry) is finished by its turn
        listener.finished(m, "command");
      }
    } catch (RuntimeException e) {
      log.error("command /{} from {} failed", invocation.name(), m.chat(), e);
      noticeLater(m, NoticeKind.ANSWER, "The command /" + invocation.name()
          + " failed; the details are in the gateway log.", m.dedupeKey() + ":failed");
      listener.finished(m, "failed");
    } finally {
      busy(-1);
    }
  }

  /** Counts drainable work that is not a turn; completes the drain when the last one ends. */
  private void busy(int delta) {
    CompletableFuture<Void> toComplete = null;
    lock.lock();
    try {
      busy += delta;
      if (drained != null && running.isEmpty() && busy == 0) {
        toComplete = drained;
      }
    } finally {
      lock.unlock();
    }
    if (toComplete != null) {
      toComplete.complete(null);
    }
  }

  /**
   * Queues a turn for {@code m}; with {@code alwaysQueue} it waits behind a running turn
   * whatever the session's busy policy. When a turn is running or waiting, the chat hears at
   * once what happens to this message.
   */
  void enqueueTurn(InboundMessage m, boolean alwaysQueue) {
    SessionKey key = SessionKey.of(m, settings.sessionPerUserInGroups());
    BusyPolicy policy = alwaysQueue ? BusyPolicy.QUEUE : busyPolicy(key);
    RunningTurn toSupersede = null;
    Lane toStart = null;
    String refusal = null;
    String acknowledgement = null;
    DrainReason deferredFor = null;
    lock.lock();
    try {
      if (mode != Mode.ACCEPTING) {
        deferredFor = drainReasonOr(DrainReason.STOP);
      } else {
        Lane lane = lanes.computeIfAbsent(key, Lane::new);
        if (lane.waiting.size() >= settings.maxQueuedPerSession()) {
          refusal = "Too many messages are waiting in this conversation ("
              + settings.maxQueuedPerSession() + "). Send /stop to clear them.";
        } else {
          int ahead = lane.waiting.size() + (lane.current != null ? 1 : 0);
          lane.waiting.add(m);
          if (lane.current != null && policy == BusyPolicy.INTERRUPT && !lane.current.resumed) {
            toSupersede = lane.current;
            acknowledgement = "\u23f9 Stopping the current reply to answer this one.";
          } else if (ahead > 0) {
            acknowledgement = "\u23f3 Queued: " + (ahead == 1 ? "1 message is"
                : ahead + " messages are") + " ahead of this one.";
          }
          if (!lane.runnerActive) {
            lane.runnerActive = true;
            toStart = lane;
          }
        }
      }
    } finally {
      lock.unlock();
    }
    if (deferredFor != null) {
      defer(m, deferredFor);
      return;
    }
    if (refusal != null) {
      listener.finished(m, "refused");
      noticeLater(m, NoticeKind.RETRY_LATER, refusal, m.dedupeKey() + ":refused");
      return;
    }
    if (acknowledgement != null) {
      noticeLater(m, NoticeKind.INFO, acknowledgement, m.dedupeKey() + ":busy");
    }
    if (toSupersede != null) {
      cancel(toSupersede, TurnControl.Reason.SUPERSEDED);
    }
    if (toStart != null) {
      startRunner(toStart);
    }
  }

  BusyPolicy busyPolicy(SessionKey key) {
    return busyPolicies.getOrDefault(key.toString(), settings.busyPolicy());
  }

  /** Sets (or, with null, clears) the session's own busy policy; it outlives restarts. */
  void setBusyPolicy(SessionKey key, BusyPolicy policy) {
    conversations.setSetting(key.toString(), SessionSettings.BUSY_POLICY,
        policy == null ? null : policy.name().toLowerCase(Locale.ROOT));
    if (policy == null) {
      busyPolicies.remove(key.toString());
    } else {
      busyPolicies.put(key.toString(), policy);
    }
  }

  /** Answers the session's waiting permission question; false when none waits. */
  boolean answerApproval(SessionKey key, Approver.Decision decision) {
    return approvals.answer(key.toString(), decision);
  }

  Conversations conversations() {
    return conversations;
  }

  boolean isAdmin(InboundMessage m) {
    return isAdmin.test(m);
  }

  boolean defaultToolProgress() {
    return settings.turns().toolProgress();
  }

  boolean approvalWaiting(SessionKey key) {
    return approvals.waiting(key.toString());
  }

  private void startRunner(Lane lane) {
    try {
      spawner.spawn("turns " + lane.key, () -> runLane(lane));
    } catch (RejectedExecutionException e) {
      List<InboundMessage> dropped;
      lock.lock();
      try {
        lane.runnerActive = false;
        dropped = new ArrayList<>(lane.waiting);
        lane.waiting.clear();
        dropIfIdle(lane);
      } finally {
        lock.unlock();
      }
      DrainReason why = drainReasonOr(DrainReason.STOP);
      for (InboundMessage m : dropped) {
        listener.deferred(m, why);
      }
    }
  }

  /** Leaves {@code m} to the next process and tells its chat so. */
  private void defer(InboundMessage m, DrainReason reason) {
    listener.deferred(m, reason);
    noticeLater(m, NoticeKind.RETRY_LATER, deferral(reason), m.dedupeKey() + ":deferred");
  }

  private void runLane(Lane lane) {
    boolean endedNormally = false;
    try {
      while (true) {
        RunningTurn turn;
        int count;
        lock.lock();
        try {
          if (mode != Mode.ACCEPTING || lane.waiting.isEmpty()) {
            lane.runnerActive = false;
            dropIfIdle(lane);
            endedNormally = true;
            return;
          }
          turn = new RunningTurn(lane, lane.waiting.poll(), Thread.currentThread());
          turn.resumed = resumed.remove(turn.message.dedupeKey());
          lane.current = turn;
          running.add(turn);
          count = running.size();
        } finally {
          lock.unlock();
        }
        listener.activeTurnsChanged(count);
        String outcome = "failed";
        try {
          int attempt = listener.started(turn.message);
          outcome = new TurnExecution(turn.message, attempt, lane.key.toString(), turn.control,
              backend, delivery, conversations, spawner, settings.turns(), approvals).run(
                  () -> closeInterruptWindow(turn), () -> drainReasonOr(DrainReason.STOP));
        } catch (RuntimeException e) {
          // A bug or a platform failure while delivering ends this turn, not the session.
          log.error("the turn for {} failed", lane.key, e);
        } finally {
          endTurn(turn);
          if (TurnExecution.DEFERRED.equals(outcome)) {
            listener.deferred(turn.message, drainReasonOr(DrainReason.STOP));
          } else {
            listener.finished(turn.message, outcome);
          }
        }
      }
    } finally {
      if (!endedNormally) {
        recoverRunner(lane);
      }
    }
  }

  /** After an Error escaped a turn: the lane must not be left claiming a runner it lacks. */
  private void recoverRunner(Lane lane) {
    boolean restart;
    lock.lock();
    try {
      lane.runnerActive = false;
      restart = mode == Mode.ACCEPTING && !lane.waiting.isEmpty();
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
    CompletableFuture<Void> toComplete = null;
    int count;
    lock.lock();
    try {
      turn.lane.current = null;
      running.remove(turn);
      count = running.size();
      if (drained != null && running.isEmpty() && busy == 0) {
        toComplete = drained;
      }
    } finally {
      lock.unlock();
    }
    Thread.interrupted(); // never carry an interrupt into the next turn
    listener.activeTurnsChanged(count);
    if (toComplete != null) {
      toComplete.complete(null);
    }
  }

  // guarded by lock (called with it held)
  private void dropIfIdle(Lane lane) {
    if (!lane.runnerActive && lane.current == null && lane.waiting.isEmpty()
        && lanes.get(lane.key) == lane) {
      lanes.remove(lane.key);
    }
  }

  /**
   * Cancels a turn: the reason is set at once, the backend's cancel actions run on a task of
   * their own (they may do I/O), and the turn's thread is interrupted if it is still in the
   * backend.
   */
  private void cancel(RunningTurn turn, TurnControl.Reason reason) {
    turn.control.cancel(reason, actions -> spawnOrRun("cancel " + turn.lane.key, actions));
    lock.lock();
    try {
      if (turn.lane.current == turn && turn.interruptible) {
        turn.thread.interrupt();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends a notice from a task, so the caller (the loop, the stop) never waits on a platform.
   * {@code key} makes it idempotent: a message handled again after a crash gets no second copy.
   */
  void noticeLater(InboundMessage about, NoticeKind kind, String text, String key) {
    busy(+1);
    spawnOrRun("notice " + about.chat(), () -> {
      try {
        delivery.noticeAbout(about, kind, text, key);
      } finally {
        busy(-1);
      }
    });
  }

  private void spawnOrRun(String name, Runnable task) {
    try {
      spawner.spawn(name, task);
    } catch (RejectedExecutionException e) {
      task.run(); // the tasks are closed: this is the last chance, take it here
    }
  }

  /**
   * Stops taking turns: refuses new ones and drops waiting ones (telling their chats why), tells
   * chats with a turn in flight that it is being finished, and returns a future completed when
   * no turn runs. Calling it again returns the same future.
   */
  public CompletableFuture<Void> beginDrain(DrainReason reason) {
    List<InboundMessage> dropped = new ArrayList<>();
    List<InboundMessage> inFlight = new ArrayList<>();
    CompletableFuture<Void> future;
    boolean first = false;
    lock.lock();
    try {
      if (drained == null) {
        first = true;
        if (mode == Mode.ACCEPTING) {
          mode = Mode.DRAINING;
        }
        drainReason = reason;
        drained = new CompletableFuture<>();
        for (Lane lane : List.copyOf(lanes.values())) {
          dropped.addAll(lane.waiting);
          lane.waiting.clear();
          dropIfIdle(lane);
        }
        running.forEach(t -> inFlight.add(t.message));
        if (running.isEmpty() && busy == 0) {
          drained.complete(null);
        }
      }
      future = drained;
    } finally {
      lock.unlock();
    }
    if (first) {
      log.info("draining: {} turn(s) in flight, {} waiting message(s) deferred",
          inFlight.size(), dropped.size());
      for (InboundMessage m : inFlight) {
        noticeLater(m, NoticeKind.INFO, "\u23f3 Switchboard is " + reason.doing()
            + ". Finishing your current reply first.", m.dedupeKey() + ":finishing");
      }
      for (InboundMessage m : dropped) {
        defer(m, reason);
      }
    }
    return future;
  }

  /**
   * Cancels every running turn. A turn still inside the backend ends with a note that the
   * gateway will answer again when it is back, and is deferred; one already delivering its
   * reply finishes as answered. Returns how many were cancelled; the drain future completes
   * when they end.
   */
  public int interruptRunning() {
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

  // ---- session operations for the commands (see SessionCommandContext) ----

  boolean turnRunning(SessionKey key) {
    lock.lock();
    try {
      Lane lane = lanes.get(key);
      return lane != null && lane.current != null;
    } finally {
      lock.unlock();
    }
  }

  int queuedMessages(SessionKey key) {
    lock.lock();
    try {
      Lane lane = lanes.get(key);
      return lane == null ? 0 : lane.waiting.size();
    } finally {
      lock.unlock();
    }
  }

  /** Cancels the session's turn and drops its waiting messages; returns how many of both. */
  int stopSession(SessionKey key) {
    RunningTurn current;
    List<InboundMessage> dropped;
    lock.lock();
    try {
      Lane lane = lanes.get(key);
      if (lane == null) {
        return 0;
      }
      dropped = new ArrayList<>(lane.waiting);
      lane.waiting.clear();
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

  /** Stops the session and starts its next conversation, whose number it returns. */
  int newConversation(SessionKey key) {
    stopSession(key);
    String ended = key + "#" + conversations.generation(key.toString());
    int next = conversations.startNew(key.toString());
    // may stop an agent process: not on the loop's thread
    spawnOrRun("end " + ended, () -> {
      try {
        backend.conversationEnded(ended);
      } catch (RuntimeException e) {
        log.warn("the agent backend failed to end conversation {}", ended, e);
      }
    });
    return next;
  }

  /**
   * Ends the dispatch loop. Messages still waiting in the intake are deferred: the next
   * process answers them.
   */
  public void close() {
    DrainReason reason;
    lock.lock();
    try {
      mode = Mode.CLOSED;
      reason = drainReasonOr(DrainReason.STOP);
      if (drained == null) {
        drained = new CompletableFuture<>();
        if (running.isEmpty()) {
          drained.complete(null);
        }
      }
      if (loopThread != null) {
        loopThread.interrupt();
      }
    } finally {
      lock.unlock();
    }
    List<InboundMessage> left = new ArrayList<>();
    intake.drainTo(left);
    if (!left.isEmpty()) {
      log.info("{} message(s) were still waiting to be dispatched; deferred to the next process",
          left.size());
    }
    left.forEach(m -> listener.deferred(m, reason));
  }

  /** Messages waiting behind running turns, in all sessions. */
  public int queuedMessages() {
    lock.lock();
    try {
      return lanes.values().stream().mapToInt(l -> l.waiting.size()).sum();
    } finally {
      lock.unlock();
    }
  }

  /** What one session is doing: a turn running, messages waiting behind it. */
  public record SessionActivity(String session, boolean turnRunning, int waiting) {}

  /** The sessions with a turn running or messages waiting, for the admin page. */
  public List<SessionActivity> sessions() {
    lock.lock();
    try {
      return lanes.values().stream()
          .map(l -> new SessionActivity(l.key.toString(), l.current != null, l.waiting.size()))
          .sorted(java.util.Comparator.comparing(SessionActivity::session))
          .toList();
    } finally {
      lock.unlock();
    }
  }

  public int activeTurns() {
    lock.lock();
    try {
      return running.size();
    } finally {
      lock.unlock();
    }
  }

  public boolean draining() {
    lock.lock();
    try {
      return mode != Mode.ACCEPTING;
    } finally {
      lock.unlock();
    }
  }

  private boolean closed() {
    lock.lock();
    try {
      return mode == Mode.CLOSED;
    } finally {
      lock.unlock();
    }
  }

  private DrainReason drainReasonOr(DrainReason fallback) {
    lock.lock();
    try {
      return drainReason == null ? fallback : drainReason;
    } finally {
      lock.unlock();
    }
  }

  static String deferral(DrainReason reason) {
    return "\u23f3 Switchboard is " + reason.doing() + ". I will answer this when it is back.";
  }

  /** A session's queue and turn; every field guarded by the dispatcher's lock. */
  private static final class Lane {
    final SessionKey key;
    final ArrayDeque<InboundMessage> waiting = new ArrayDeque<>();
    RunningTurn current;
    boolean runnerActive;

    Lane(SessionKey key) {
      this.key = key;
    }
  }

  private static final class RunningTurn {
    final Lane lane;
    final InboundMessage message;
    final Thread thread;
    final TurnControl control = new TurnControl();
    boolean interruptible = true; // guarded by the dispatcher's lock
    /** Left by the previous process: newer messages queue behind it. Guarded by the lock. */
    boolean resumed;

    RunningTurn(Lane lane, InboundMessage message, Thread thread) {
      this.lane = lane;
      this.message = message;
      this.thread = thread;
    }
  }
}
