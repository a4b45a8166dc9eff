package dev.switchboard.session;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import dev.switchboard.command.Command;
import dev.switchboard.command.CommandTable;
import dev.switchboard.command.GatewayControl;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.TaskSpawner;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.ReplyStream;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * iteration, idle or not; the watchdog and health follow it.
 *
 * <p>A lane holds a FIFO of waiting messages and at most one running turn. While a lane has
 * work exactly one runner (a virtual thread) takes its messages one at a time and ends when the
 * lane is empty. The busy policy decides whether a new message cancels the running turn first.
 *
 * <p>All lane and mode state is guarded by {@link #lock}. Work under it is a few field updates
 * and {@link Thread#interrupt()}; nothing under it calls a backend, an adapter or a listener.
 *
 * <p>Modes: ACCEPTING, then DRAINING once a stop or restart begins, then CLOSED. While draining,
 * new turns are refused with a message saying why, waiting messages are dropped with the same
 * message and reported as unanswered, and running turns may finish; {@link #beginDrain} returns
 * a future completed when the running count reaches zero (re-checked at every turn's end, like
 * Jetty's {@code Graceful}). {@link #interruptRunning} then cancels what is left. Commands still
 * run while draining. Once CLOSED the loop has ended and submit refuses.
 *
 * <p>Guaranteed: a turn never starts while another turn of its session runs; no turn starts
 * after {@link #beginDrain}; a cancel never interrupts a turn's thread once that turn has begun
 * delivering its final reply, nor the next turn on the same thread. Not guaranteed: any order
 * between different sessions.
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
  private final BlockingQueue<InboundMessage> intake;
  private final Heartbeat loopHeartbeat;

  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock:
  private Mode mode = Mode.ACCEPTING;
  private DrainReason drainReason;
  private final Map<SessionKey, Lane> lanes = new HashMap<>();
  private final Set<RunningTurn> running = new LinkedHashSet<>();
  private CompletableFuture<Void> drained;
  private Thread loopThread;

  public Dispatcher(DispatcherSettings settings, AgentBackend backend, Delivery delivery,
      CommandTable commands, GatewayControl gateway, DispatcherListener listener,
      TaskSpawner spawner, Ticker ticker) {
    this.settings = settings;
    this.backend = backend;
    this.delivery = delivery;
    this.commands = commands;
    this.gateway = gateway;
    this.listener = listener;
    this.spawner = spawner;
    this.intake = new ArrayBlockingQueue<>(settings.intakeCapacity());
    this.loopHeartbeat = new Heartbeat("dispatch-loop", LOOP_MAX_SILENCE, ticker);
  }

  public Heartbeat heartbeat() {
    return loopHeartbeat;
  }


  /**
   * Takes responsibility for one message. Waits for room in the intake when it is full; if none
   * comes in time, the chat is told the gateway is overloaded.
   */
  public void submit(InboundMessage message) throws InterruptedException {
    if (closed()) {
      log.warn("dropping a message from {}: the dispatcher is closed", message.chat());
      return;
    }
    if (!intake.offer(message, settings.intakeWait().toNanos(), TimeUnit.NANOSECONDS)) {
      log.warn("intake full ({} messages) for {}; telling the chat to retry",
          settings.intakeCapacity(), settings.intakeWait());
      delivery.notice(message.chat(), "Switchboard is overloaded and could not take this"
          + " message. Please send it again in a minute.");
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
      runCommand(m, invocation.get());
    } else {
      enqueueTurn(m);
    }
  }

  private void runCommand(InboundMessage m, CommandTable.Invocation invocation) {
    Optional<Command> command = commands.find(invocation.name());
    if (command.isEmpty()) {
      delivery.notice(m.chat(), "Unknown command /" + invocation.name()
          + ". Send /help to see the commands.");
      return;
    }
    SessionKey key = SessionKey.of(m, settings.sessionPerUserInGroups());
    try {
      command.get().execute(new SessionCommandContext(this, m, invocation.arguments(), key,
          delivery, gateway, commands));
    } catch (RuntimeException e) {
      log.error("command /{} from {} failed", invocation.name(), m.chat(), e);
      delivery.notice(m.chat(), "The command /" + invocation.name()
          + " failed; the details are in the gateway log.");
    }
  }

  private void enqueueTurn(InboundMessage m) {
    SessionKey key = SessionKey.of(m, settings.sessionPerUserInGroups());
    RunningTurn toSupersede = null;
    Lane toStart = null;
    String refusal = null;
    DrainReason refusedFor = null;
    lock.lock();
    try {
      if (mode != Mode.ACCEPTING) {
        refusedFor = drainReason;
        refusal = refusal(drainReason);
      } else {
        Lane lane = lanes.computeIfAbsent(key, Lane::new);
        if (lane.waiting.size() >= settings.maxQueuedPerSession()) {
          refusal = "Too many messages are waiting in this conversation ("
              + settings.maxQueuedPerSession() + "). Send /stop to clear them.";
        } else {
          lane.waiting.add(m);
          if (lane.current != null && settings.busyPolicy() == BusyPolicy.INTERRUPT) {
            toSupersede = lane.current;
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
    if (refusal != null) {
      delivery.notice(m.chat(), refusal);
      if (refusedFor != null) {
        listener.unanswered(m, refusedFor);
      }
      return;
    }
    if (toSupersede != null) {
      cancel(toSupersede, TurnControl.Reason.SUPERSEDED);
    }
    if (toStart != null) {
      startRunner(toStart);
    }
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
      } finally {
        lock.unlock();
      }
      DrainReason why = drainReasonOr(DrainReason.STOP);
      for (InboundMessage m : dropped) {
        delivery.notice(m.chat(), refusal(why));
        listener.unanswered(m, why);
      }
    }
  }

  private void runLane(Lane lane) {
    while (true) {
      RunningTurn turn;
      int count;
      lock.lock();
      try {
        if (mode != Mode.ACCEPTING || lane.waiting.isEmpty()) {
          lane.runnerActive = false;
          return;
        }
        turn = new RunningTurn(lane, lane.waiting.poll(), lane.conversationId,
            Thread.currentThread());
        lane.current = turn;
        running.add(turn);
        count = running.size();
      } finally {
        lock.unlock();
      }
      listener.activeTurnsChanged(count);
      CompletableFuture<Void> toComplete = null;
      try {
        executeTurn(turn);
      } finally {
        lock.lock();
        try {
          lane.current = null;
          running.remove(turn);
          count = running.size();
          if (drained != null && running.isEmpty()) {
            toComplete = drained;
          }
        } finally {
          lock.unlock();
        }
        listener.activeTurnsChanged(count);
        if (toComplete != null) {
          toComplete.complete(null);
        }
      }
    }
  }

  private void executeTurn(RunningTurn turn) {
    InboundMessage m = turn.message;
    ReplyStream stream = delivery.openReply(m.chat());
    TurnRequest request = new TurnRequest(turn.conversationId, m.chat(), m.sender(), m.text());
    String text = null;
    String failure = null;
    try {
      TurnResult result = backend.run(request, stream::append, turn.control);
      text = result.text();
    } catch (InterruptedException e) {
      text = stream.textSoFar();
    } catch (AgentException e) {
      log.warn("turn for {} failed: {}", turn.lane.key, e.getMessage());
      failure = e.userMessage();
    } catch (RuntimeException e) {
      log.error("the agent backend failed a turn for {}", turn.lane.key, e);
      failure = "The agent failed to answer; the details are in the gateway log.";
    }
    lock.lock();
    try {
      turn.interruptible = false;
    } finally {
      lock.unlock();
    }
    // A cancel that landed before the window closed left the flag set; delivery must not see it.
    boolean wasInterrupted = Thread.interrupted();
    TurnControl.Reason why = turn.control.reason();
    if (failure != null) {
      text = join(stream.textSoFar(), "\u26a0\ufe0f " + failure);
    } else if (why != null) {
      text = join(text == null ? stream.textSoFar() : text, note(why));
    } else if (wasInterrupted) {
      text = join(text, "\u26a0\ufe0f Interrupted.");
    }
    stream.finish(text);
  }

  private String note(TurnControl.Reason why) {
    return switch (why) {
      case USER_STOP -> "\u23f9 Stopped.";
      case SUPERSEDED -> "\u23f9 Interrupted by your next message.";
      case SHUTDOWN -> "\u26a0\ufe0f Interrupted: Switchboard is " + drainReasonOr(DrainReason.STOP)
          .doing() + ". Send your message again once it is back.";
    };
  }

  private static String join(String text, String note) {
    return text == null || text.isBlank() ? note : text.stripTrailing() + "\n\n" + note;
  }

  private void cancel(RunningTurn turn, TurnControl.Reason reason) {
    turn.control.cancel(reason);
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
   * Stops taking turns: refuses new ones and drops waiting ones (telling their chats why), tells
   * chats with a turn in flight that it is being finished, and returns a future completed when
   * no turn runs. Calling it again returns the same future.
   */
  public CompletableFuture<Void> beginDrain(DrainReason reason) {
    List<InboundMessage> dropped = new ArrayList<>();
    List<ChatRef> inFlight = new ArrayList<>();
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
        for (Lane lane : lanes.values()) {
          dropped.addAll(lane.waiting);
          lane.waiting.clear();
        }
        running.forEach(t -> inFlight.add(t.message.chat()));
        if (running.isEmpty()) {
          drained.complete(null);
        }
      }
      future = drained;
    } finally {
      lock.unlock();
    }
    if (first) {
      log.info("draining: {} turn(s) in flight, {} waiting message(s) dropped",
          inFlight.size(), dropped.size());
      for (InboundMessage m : dropped) {
        listener.unanswered(m, reason);
      }
      tellChats(dropped, inFlight, reason);
    }
    return future;
  }

  private void tellChats(List<InboundMessage> dropped, List<ChatRef> inFlight,
      DrainReason reason) {
    if (dropped.isEmpty() && inFlight.isEmpty()) {
      return;
    }
    // Sent off the caller's thread: the stop's clock is running and a slow platform must not
    // eat the drain budget.
    Runnable notices = () -> {
      for (ChatRef chat : inFlight) {
        delivery.notice(chat, "\u23f3 Switchboard is " + reason.doing()
            + ". Finishing your current reply first.");
      }
      for (InboundMessage m : dropped) {
        delivery.notice(m.chat(), refusal(reason));
      }
    };
    try {
      spawner.spawn("drain-notices", notices);
    } catch (RejectedExecutionException e) {
      log.warn("could not tell {} chat(s) about the {}: tasks already stopped",
          dropped.size() + inFlight.size(), reason.doing());
    }
  }

  /**
   * Cancels every running turn (each reply says it was interrupted) and reports each as
   * unanswered. Returns how many were cancelled; the drain future completes when they end.
   */
  public int interruptRunning() {
    List<RunningTurn> turns;
    DrainReason reason;
    lock.lock();
    try {
      turns = new ArrayList<>(running);
      reason = drainReason == null ? DrainReason.STOP : drainReason;
    } finally {
      lock.unlock();
    }
    for (RunningTurn t : turns) {
      log.warn("interrupting the turn for {} (drain time is up)", t.lane.key);
      listener.unanswered(t.message, reason);
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
    int dropped;
    lock.lock();
    try {
      Lane lane = lanes.get(key);
      if (lane == null) {
        return 0;
      }
      dropped = lane.waiting.size();
      lane.waiting.clear();
      current = lane.current;
    } finally {
      lock.unlock();
    }
    if (current != null) {
      cancel(current, TurnControl.Reason.USER_STOP);
    }
    return dropped + (current == null ? 0 : 1);
  }

  /** Stops the session and gives it a new conversation id, which it returns. */
  String newConversation(SessionKey key) {
    stopSession(key);
    String id = UUID.randomUUID().toString();
    lock.lock();
    try {
      lanes.computeIfAbsent(key, Lane::new).conversationId = id;
    } finally {
      lock.unlock();
    }
    return id;
  }

  /** Ends the dispatch loop; later submits are dropped with a warning. */
  public void close() {
    lock.lock();
    try {
      mode = Mode.CLOSED;
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

  private static String refusal(DrainReason reason) {
    DrainReason r = reason == null ? DrainReason.STOP : reason;
    return "\ud83d\udd04 Switchboard is " + r.doing() + " and did not process this message."
        + " Please send it again in a minute.";
  }

  /** A session's queue and turn; every field guarded by the dispatcher's lock. */
  private static final class Lane {
    final SessionKey key;
    final ArrayDeque<InboundMessage> waiting = new ArrayDeque<>();
    RunningTurn current;
    boolean runnerActive;
    String conversationId = UUID.randomUUID().toString();

    Lane(SessionKey key) {
      this.key = key;
    }
  }

  private static final class RunningTurn {
    final Lane lane;
    final InboundMessage message;
    final String conversationId;
    final Thread thread;
    final TurnControl control = new TurnControl();
    boolean interruptible = true; // guarded by the dispatcher's lock

    RunningTurn(Lane lane, InboundMessage message, String conversationId, Thread thread) {
      this.lane = lane;
      this.message = message;
      this.conversationId = conversationId;
      this.thread = thread;
    }
  }
}
