package dev.switchboard.session;

import dev.switchboard.command.CommandTable;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.delivery.OutboxKeys;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.NoticeKind;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes inbound messages to slash commands or to agent turns, one lane per session.
 *
 * <h2>Design</h2>
 *
 * <p>Adapters call {@link #submit} from their receive threads; the message waits in a bounded
 * intake, whose one loop ({@link DispatchLoop}) takes messages in arrival order. Slash commands
 * run at once on the loop ({@link CommandRunner}), ahead of any turn, so /stop works while a
 * turn runs; anything else goes to its session's lane ({@link LaneScheduler}), where one turn
 * runs at a time and the session's busy policy decides what a new message does to it. The loop
 * never waits on a platform: notices and cancel actions run on tasks of their own ({@link
 * Notices}), so one slow chat cannot stall every other.
 *
 * <p>Modes: accepting, then draining once a stop or restart begins, then closed. While
 * draining, new turns are deferred with a message saying why ("I will answer when I am back"),
 * waiting messages likewise, and running turns may finish; {@link #beginDrain} returns the
 * {@link DrainGate}'s future, done when no turn runs, no command executes and no notice is on
 * its way. {@link #interruptRunning} then cancels what is left. Commands still run while
 * draining. Once closed the loop has ended; messages still in the intake, and any submitted
 * later, are deferred like the rest. Every message is reported to the {@link
 * DispatcherListener} (the journal) as started, finished or deferred: a deferred one stays in
 * the journal and the next process answers it.
 *
 * <p>Not guaranteed: any order between different sessions, or between a command's reply and a
 * turn's reply.
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  /** The loop beats at least every second; far longer means it is stuck in a command. */
  public static final Duration LOOP_MAX_SILENCE = Duration.ofSeconds(15);

  private final DispatcherListener listener;
  private final DrainGate gate = new DrainGate();
  private final Notices notices;
  private final LaneScheduler lanes;
  private final CommandRunner commands;
  private final DispatchLoop loop;
  private final RecoveredAnswers recoveredAnswers;

  public Dispatcher(
      DispatcherSettings settings,
      SessionServices services,
      CommandSetup commandSetup,
      DispatcherListener listener) {
    this.listener = listener;
    this.notices = new Notices(services.delivery(), services.spawner(), gate);
    BusyPolicies busyPolicies = new BusyPolicies(settings.busyPolicy(), services.conversations());
    PendingApprovals approvals = new PendingApprovals();
    this.lanes = new LaneScheduler(
        settings,
        new TurnKit(services, settings.turns(), approvals),
        busyPolicies,
        listener,
        gate,
        notices);
    this.commands = new CommandRunner(
        new CommandScope(
            commandSetup,
            busyPolicies,
            approvals,
            services.conversations(),
            services.backend(),
            settings.turns().toolProgress(),
            services.voice().available(),
            notices),
        listener,
        gate,
        settings.sessionPerUserInGroups(),
        services.events());
    this.loop = new DispatchLoop(settings, services.ticker(), listener, lanes::drainReason);
    this.recoveredAnswers =
        new RecoveredAnswers(services.conversations(), settings.sessionPerUserInGroups());
  }

  /**
   * After a crash: {@code answer}, which the journal kept for {@code message}, goes into the
   * conversation's transcript unless it got there before the crash.
   */
  public void completeTranscript(InboundMessage message, String answer) {
    if (recoveredAnswers.complete(message, answer)) {
      log.info(
          "put the answer to {} into its transcript, which a restart left without it",
          message.dedupeKey());
    }
  }

  public Heartbeat heartbeat() {
    return loop.heartbeat();
  }

  /**
   * Takes a message the previous process left unanswered. Its turn is not interrupted by newer
   * messages whatever the busy policy: its sender already waited through a restart, and what
   * they wrote meanwhile queues behind it, in order.
   */
  public void submitResumed(InboundMessage message) throws InterruptedException {
    lanes.markResumed(message);
    submit(message);
  }

  /**
   * Takes a turn the gateway starts on its own ({@link InboundMessage#synthetic()}), already in
   * the journal. Like a resumed message, nothing newer interrupts it: a job's answer is what
   * its chat waits for, and what the chat writes meanwhile queues behind it.
   */
  void submitSynthetic(InboundMessage message) throws InterruptedException {
    lanes.markResumed(message);
    submit(message);
  }

  /**
   * Takes responsibility for one message. Waits for room in the intake when it is full; if none
   * comes in time, the chat is told the gateway is overloaded. After {@link #close} the message
   * is deferred to the next process.
   */
  public void submit(InboundMessage message) throws InterruptedException {
    if (!loop.offer(message)) {
      listener.finished(message, "refused");
      notices.about(
          message,
          NoticeKind.RETRY_LATER,
          "Switchboard is overloaded and could not"
              + " take this message. Please send it again in a minute.",
          OutboxKeys.about(message.dedupeKey(), OutboxKeys.Topic.OVERLOADED));
    }
  }

  /**
   * The dispatch loop; the gateway runs it as a critical supervised task. Returns when the
   * dispatcher is closed or the thread is interrupted.
   */
  public void runLoop() {
    loop.run(this::route);
  }

  private void route(InboundMessage m) {
    if (m.synthetic()) {
      // A prompt is never a command (a job's "/new" is text for the agent), and it waits for
      // a running turn instead of interrupting it.
      lanes.enqueueTurn(m, true);
      return;
    }
    Optional<CommandTable.Invocation> invocation = CommandTable.parse(m.text());
    if (invocation.isPresent()) {
      lanes.forgetResumed(m);
      commands.run(m, invocation.get(), lanes);
    } else {
      lanes.enqueueTurn(m, false);
    }
  }

  /**
   * Stops taking turns: refuses new ones and drops waiting ones (telling their chats why), tells
   * chats with a turn in flight that it is being finished, and returns a future completed when
   * nothing the drain waits for is left. Calling it again returns the same future.
   */
  public CompletableFuture<Void> beginDrain(DrainReason reason) {
    LaneScheduler.Stopped stopped = lanes.stopAccepting(reason);
    CompletableFuture<Void> drained = gate.beginDrain();
    if (stopped.first()) {
      log.info(
          "draining: {} turn(s) in flight, {} waiting message(s) deferred",
          stopped.running().size(),
          stopped.waiting().size());
      for (InboundMessage m : stopped.running()) {
        notices.about(
            m,
            NoticeKind.INFO,
            "\u23f3 Switchboard is " + reason.doing() + ". Finishing your current reply first.",
            OutboxKeys.about(m.dedupeKey(), OutboxKeys.Topic.FINISHING));
      }
      stopped.waiting().forEach(m -> lanes.defer(m, reason));
    }
    return drained;
  }

  /**
   * Cancels every running turn. A turn still inside the backend ends with a note that the
   * gateway will answer again when it is back, and is deferred; one already delivering its
   * reply finishes as answered. Returns how many were cancelled; the drain future completes
   * when they end.
   */
  public int interruptRunning() {
    return lanes.interruptRunning();
  }

  /**
   * Ends the dispatch loop. Messages still waiting in the intake are deferred: the next
   * process answers them.
   */
  public void close() {
    lanes.refuseTurns();
    CompletableFuture<Void> _ = gate.beginDrain(); // done when what is inside has left
    loop.close();
  }

  /** Messages waiting behind running turns, in all sessions. */
  public int queuedMessages() {
    return lanes.queuedMessages();
  }

  /** Messages waiting behind the running turn of one session. */
  int queuedMessages(SessionKey key) {
    return lanes.queuedMessages(key);
  }

  /** What one session is doing: a turn running, messages waiting behind it. */
  public record SessionActivity(String session, boolean turnRunning, int waiting) {}

  /** The sessions with a turn running or messages waiting, for the admin page. */
  public List<SessionActivity> sessions() {
    return lanes.sessions();
  }

  public int activeTurns() {
    return lanes.activeTurns();
  }

  public boolean draining() {
    return !lanes.accepting();
  }
}
