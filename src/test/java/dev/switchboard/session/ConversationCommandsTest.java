package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.Approver.Decision;
import dev.switchboard.agent.ChatMessage;
import dev.switchboard.agent.TokenUsage;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnOutput;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import dev.switchboard.command.CommandTable;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.testing.AdapterOutbound;
import dev.switchboard.testing.FakeGatewayControl;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.VirtualThreadSpawner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The conversation commands and what turns receive, through a real dispatcher: history, /undo,
 * /retry, /model, /busy, /queue, /tools, /usage, and permission questions answered with
 * /approve and /deny, left unanswered, or cut short by /stop.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConversationCommandsTest {
  private final InMemoryAdapter chat = new InMemoryAdapter("mem");
  private final FakeGatewayControl gateway = new FakeGatewayControl();
  private final VirtualThreadSpawner spawner = new VirtualThreadSpawner();
  private final RecordingListener listener = new RecordingListener();
  private final InMemoryStore store = new InMemoryStore();
  private Dispatcher dispatcher;

  private Dispatcher start(DispatcherSettings settings, AgentBackend agent) {
    if (dispatcher != null) {
      dispatcher.close();
    }
    chat.connect(m -> dispatcher.submit(m), null);
    dispatcher = new Dispatcher(
        settings,
        new SessionServices(
            agent,
            new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system()),
            store.conversations(),
            spawner,
            Ticker.system()),
        new CommandSetup(CommandTable.standard(List.of()), gateway, m -> false),
        listener);
    spawner.spawn("dispatch-loop", dispatcher::runLoop);
    return dispatcher;
  }

  @AfterEach
  void tearDown() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    spawner.close();
  }

  private void awaitSays(String text) {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.transcript("alice")).contains(text));
  }

  @Test
  void aTurnGetsTheConversationSoFarAndUndoHidesTheLastExchange() throws Exception {
    GatedBackend backend = new GatedBackend();
    backend.finishAll();
    start(DispatcherSettings.defaults(), backend);
    chat.deliver("alice", "one");
    assertThat(backend.awaitStart(5).history()).isEmpty();
    awaitSays("done: one");
    chat.deliver("alice", "two");
    assertThat(backend.awaitStart(5).history())
        .containsExactly(new ChatMessage("user", "one"), new ChatMessage("assistant", "done: one"));
    awaitSays("done: two");

    chat.deliver("alice", "/undo");
    awaitSays("Forgotten: \u201ctwo\u201d and its reply.");
    chat.deliver("alice", "three");
    assertThat(backend.awaitStart(5).history())
        .containsExactly(new ChatMessage("user", "one"), new ChatMessage("assistant", "done: one"));
  }

  @Test
  void retryAnswersTheLastMessageAgainWithoutItsOldReplyInTheHistory() throws Exception {
    GatedBackend backend = new GatedBackend();
    backend.finishAll();
    start(DispatcherSettings.defaults(), backend);
    chat.deliver("alice", "one");
    backend.awaitStart(5);
    awaitSays("done: one");
    chat.deliver("alice", "two");
    backend.awaitStart(5);
    awaitSays("done: two");

    chat.deliver("alice", "/retry");
    TurnRequest again = backend.awaitStart(5);
    assertThat(again.text()).isEqualTo("two");
    assertThat(again.history())
        .containsExactly(new ChatMessage("user", "one"), new ChatMessage("assistant", "done: one"));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() ->
            assertThat(chat.texts("alice")).filteredOn("done: two"::equals).hasSize(2));
    // the retried exchange is the one the agent remembers now
    chat.deliver("alice", "three");
    assertThat(backend.awaitStart(5).history())
        .extracting(ChatMessage::text)
        .containsExactly("one", "done: one", "two", "done: two");
  }

  @Test
  void retryAndUndoAreRefusedWhileAReplyRuns() throws Exception {
    GatedBackend backend = new GatedBackend();
    start(DispatcherSettings.defaults().withBusyPolicy(BusyPolicy.QUEUE), backend);
    chat.deliver("alice", "slow");
    backend.awaitStart(5);
    chat.deliver("alice", "/retry");
    awaitSays("A reply is still being written. Send /stop first, then /retry.");
    chat.deliver("alice", "/undo");
    awaitSays("A reply is still being written. Send /stop first, then /undo.");
    backend.finish("slow");
    awaitSays("done: slow");
  }

  @Test
  void theSessionsModelReachesTheBackendAndOutlivesTheDispatcher() throws Exception {
    GatedBackend backend = new GatedBackend();
    backend.finishAll();
    start(DispatcherSettings.defaults(), backend);
    chat.deliver("alice", "hi");
    assertThat(backend.awaitStart(5).model()).isNull();
    awaitSays("done: hi");
    // FakeGatewayControl has no models: the command says so and changes nothing
    chat.deliver("alice", "/model llama3.2");
    awaitSays("has no models to choose from");
    store.conversations().setSetting("mem:alice", SessionSettings.MODEL, "llama3.2");

    start(DispatcherSettings.defaults(), backend);
    chat.deliver("alice", "again");
    assertThat(backend.awaitStart(5).model()).isEqualTo("llama3.2");
  }

  @Test
  void underInterruptANewMessageStopsTheReplyAndSaysSo() throws Exception {
    GatedBackend backend = new GatedBackend();
    start(DispatcherSettings.defaults(), backend);
    chat.deliver("alice", "first");
    backend.awaitStart(5);
    chat.deliver("alice", "second");
    awaitSays("\u23f9 Stopping the current reply to answer this one.");
    awaitSays("Interrupted by your next message.");
    assertThat(backend.awaitStart(5).text()).isEqualTo("second");
    backend.finish("second");
    awaitSays("done: second");
  }

  @Test
  void aSessionCanChooseToQueueAndKeepsItsChoiceAcrossRestarts() throws Exception {
    GatedBackend backend = new GatedBackend();
    start(DispatcherSettings.defaults(), backend);
    chat.deliver("alice", "/busy queue");
    awaitSays("Busy policy: queue for this session.");

    start(DispatcherSettings.defaults(), backend);
    chat.deliver("alice", "first");
    backend.awaitStart(5);
    chat.deliver("alice", "second");
    awaitSays("\u23f3 Queued: 1 message is ahead of this one.");
    backend.finish("first");
    assertThat(backend.awaitStart(5).text()).isEqualTo("second");
    backend.finish("second");
    awaitSays("done: second");
    assertThat(chat.transcript("alice"))
        .contains("done: first")
        .doesNotContain("Interrupted by your next message");

    chat.deliver("alice", "/busy default");
    awaitSays("Busy policy: interrupt (the default).");
  }

  @Test
  void queueWaitsBehindTheRunningReplyEvenUnderInterrupt() throws Exception {
    GatedBackend backend = new GatedBackend();
    start(DispatcherSettings.defaults(), backend);
    chat.deliver("alice", "first");
    backend.awaitStart(5);
    chat.deliver("alice", "/queue second");
    awaitSays("\u23f3 Queued: 1 message is ahead of this one.");
    backend.finish("first");
    assertThat(backend.awaitStart(5).text()).isEqualTo("second");
    backend.finish("second");
    awaitSays("done: second");
    assertThat(chat.transcript("alice")).contains("done: first");
    // the /queue message's journal entry follows its turn, not the command
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(listener.finished)
            .containsEntry("second", "answered")
            .doesNotContainKey("/queue second"));
  }

  /** A backend whose turns the test scripts one at a time. */
  private static final class ScriptedBackend implements AgentBackend {
    interface Turn {
      TurnResult run(TurnRequest request, TurnOutput output, TurnControl control)
          throws InterruptedException;
    }

    final BlockingQueue<Turn> turns = new LinkedBlockingQueue<>();
    final BlockingQueue<TurnRequest> requests = new LinkedBlockingQueue<>();
    boolean usesHistory = true;

    @Override
    public String describe() {
      return "scripted";
    }

    @Override
    public boolean usesHistory() {
      return usesHistory;
    }

    @Override
    public TurnResult run(TurnRequest request, TurnOutput output, TurnControl control)
        throws InterruptedException {
      requests.add(request);
      Turn next = turns.poll(5, TimeUnit.SECONDS);
      if (next == null) {
        throw new AssertionError("no scripted turn for " + request.text());
      }
      return next.run(request, output, control);
    }
  }

  private ScriptedBackend askingBackend(BlockingQueue<Decision> decisions) {
    ScriptedBackend backend = new ScriptedBackend();
    backend.turns.add((request, output, control) -> {
      Decision d = request.approver().ask("Run `rm -rf build`", "in /work/project");
      decisions.add(d);
      return new TurnResult("decision: " + d);
    });
    return backend;
  }

  @Test
  void approveLetsTheAgentGoAhead() throws Exception {
    BlockingQueue<Decision> decisions = new LinkedBlockingQueue<>();
    start(DispatcherSettings.defaults(), askingBackend(decisions));
    chat.deliver("alice", "clean up");
    awaitSays("\ud83d\udd10 The agent asks for permission: Run `rm -rf build`\nin /work/project");
    awaitSays("Reply /approve or /deny (no answer within 2 min denies it).");
    chat.deliver("alice", "/status");
    awaitSays("Turn running: yes (waiting for /approve or /deny)");
    chat.deliver("alice", "/approve");
    assertThat(decisions.poll(5, TimeUnit.SECONDS)).isEqualTo(Decision.APPROVED);
    awaitSays("\u2705 Approved.");
    awaitSays("decision: APPROVED");
    chat.deliver("alice", "/approve");
    awaitSays("The agent is not waiting for an answer in this session.");
  }

  @Test
  void denyRefusesIt() throws Exception {
    BlockingQueue<Decision> decisions = new LinkedBlockingQueue<>();
    start(DispatcherSettings.defaults(), askingBackend(decisions));
    chat.deliver("alice", "clean up");
    awaitSays("The agent asks for permission");
    chat.deliver("alice", "/deny");
    assertThat(decisions.poll(5, TimeUnit.SECONDS)).isEqualTo(Decision.DENIED);
    awaitSays("decision: DENIED");
  }

  @Test
  void noAnswerInTimeDeniesItAndSaysSo() throws Exception {
    BlockingQueue<Decision> decisions = new LinkedBlockingQueue<>();
    start(
        DispatcherSettings.defaults()
            .withTurns(new TurnSettings(200, Duration.ofMillis(300), false)),
        askingBackend(decisions));
    chat.deliver("alice", "clean up");
    assertThat(decisions.poll(5, TimeUnit.SECONDS)).isEqualTo(Decision.TIMED_OUT);
    awaitSays("\u231b No answer within 300 ms: denied.");
    awaitSays("decision: TIMED_OUT");
  }

  @Test
  void stopWhileTheAgentWaitsCancelsTheQuestionAndTheTurn() throws Exception {
    BlockingQueue<Decision> decisions = new LinkedBlockingQueue<>();
    start(DispatcherSettings.defaults(), askingBackend(decisions));
    chat.deliver("alice", "clean up");
    awaitSays("The agent asks for permission");
    chat.deliver("alice", "/stop");
    assertThat(decisions.poll(5, TimeUnit.SECONDS)).isEqualTo(Decision.CANCELLED);
    awaitSays("\u23f9 Stopped.");
    chat.deliver("alice", "/approve");
    awaitSays("The agent is not waiting for an answer in this session.");
  }

  @Test
  void usageReportedByTheBackendAddsUpPerConversationAndSession() throws Exception {
    ScriptedBackend backend = new ScriptedBackend();
    for (int i = 0; i < 3; i++) {
      backend.turns.add((r, o, c) -> new TurnResult("ok " + r.text(), new TokenUsage(1200, 30)));
    }
    start(DispatcherSettings.defaults(), backend);
    chat.deliver("alice", "/usage");
    awaitSays("No token counts yet: the agent (gated) has not reported any in this session.");
    chat.deliver("alice", "a");
    awaitSays("ok a");
    chat.deliver("alice", "b");
    awaitSays("ok b");
    chat.deliver("alice", "/new");
    awaitSays("Started a new conversation.");
    chat.deliver("alice", "c");
    awaitSays("ok c");
    chat.deliver("alice", "/usage");
    awaitSays("This conversation: 1,200 tokens in, 30 out (1 turn)\n"
        + "This session in all: 3,600 tokens in, 90 out (3 turns)");
  }

  @Test
  void toolProgressShowsInTheLiveReplyOnlyWhenTheSessionTurnedItOn() throws Exception {
    ScriptedBackend backend = new ScriptedBackend();
    CountDownLatch seen = new CountDownLatch(1);
    backend.turns.add((r, out, c) -> {
      out.toolProgress("\ud83d\udd27 Read file notes.txt");
      out.append("quiet answer");
      return new TurnResult("quiet answer");
    });
    backend.turns.add((r, out, c) -> {
      out.toolProgress("\ud83d\udd27 Read file todo.txt");
      seen.await(5, TimeUnit.SECONDS);
      out.append("shown answer");
      return new TurnResult("shown answer");
    });
    start(DispatcherSettings.defaults(), backend);
    chat.deliver("alice", "first");
    awaitSays("quiet answer");
    chat.deliver("alice", "/tools on");
    awaitSays("Tool progress is on");
    chat.deliver("alice", "second");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> chat.sent().stream()
            .anyMatch(s -> s.text().contains("\ud83d\udd27 Read file todo.txt")));
    seen.countDown();
    awaitSays("shown answer");
    assertThat(chat.sent()).noneMatch(s -> s.text().contains("notes.txt"));
    // the final reply is the agent's words alone
    assertThat(chat.texts("alice")).contains("shown answer");
  }

  @Test
  void aBurstUnderQueueIsAnsweredInOrderOnce() throws Exception {
    GatedBackend backend = new GatedBackend();
    backend.finishAll();
    start(DispatcherSettings.defaults().withBusyPolicy(BusyPolicy.QUEUE), backend);
    for (int i = 1; i <= 20; i++) {
      chat.deliver("alice", "m" + i);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> backend.finished().size() == 20);
    assertThat(backend.finished())
        .containsExactly(java.util.stream.IntStream.rangeClosed(1, 20)
            .mapToObj(i -> "m" + i)
            .toArray(String[]::new));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.texts("alice"))
            .filteredOn(t -> t.startsWith("done: "))
            .hasSize(20));
    assertThat(chat.texts("alice"))
        .filteredOn(t -> t.startsWith("done: "))
        .containsExactly(java.util.stream.IntStream.rangeClosed(1, 20)
            .mapToObj(i -> "done: m" + i)
            .toArray(String[]::new));
  }

  @Test
  void aBurstUnderInterruptStopsTheRunningTurnOnceAndAnswersTheRestInOrder() throws Exception {
    GatedBackend backend = new GatedBackend();
    start(DispatcherSettings.defaults(), backend);
    // m1 hears the cancel only once the whole burst is queued: no other turn can start early
    backend.ignoreCancel(true);
    chat.deliver("alice", "m1");
    assertThat(backend.awaitStart(5).text()).isEqualTo("m1");
    for (int i = 2; i <= 20; i++) {
      chat.deliver("alice", "m" + i);
    }
    SessionKey alice = SessionKey.of(chat.message("alice", "x"), true);
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.queuedMessages(alice) == 19);
    backend.ignoreCancel(false);
    backend.finish("m1");
    // m1 was interrupted by the burst; the burst's messages then run one by one, in order
    for (int i = 2; i <= 20; i++) {
      assertThat(backend.awaitStart(5).text()).isEqualTo("m" + i);
      backend.finish("m" + i);
    }
    awaitSays("done: m20");
    assertThat(backend.finished())
        .containsExactly(java.util.stream.IntStream.rangeClosed(1, 20)
            .mapToObj(i -> "m" + i)
            .toArray(String[]::new));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(listener.finished)
            .containsEntry("m1", "superseded")
            .containsEntry("m20", "answered"));
  }

  @Test
  void aMessageLeftByThePreviousProcessIsNotInterruptedByOneWrittenMeanwhile() throws Exception {
    GatedBackend backend = new GatedBackend();
    start(DispatcherSettings.defaults(), backend); // interrupt
    dispatcher.submitResumed(chat.message("alice", "asked before the crash"));
    assertThat(backend.awaitStart(5).text()).isEqualTo("asked before the crash");
    chat.deliver("alice", "written while it was down");
    awaitSays("\u23f3 Queued: 1 message is ahead of this one.");
    backend.finish("asked before the crash");
    assertThat(backend.awaitStart(5).text()).isEqualTo("written while it was down");
    backend.finish("written while it was down");
    awaitSays("done: written while it was down");
    assertThat(chat.transcript("alice"))
        .contains("done: asked before the crash")
        .doesNotContain("Interrupted by your next message");
    // the next new message interrupts as usual
    chat.deliver("alice", "third");
    backend.awaitStart(5);
    chat.deliver("alice", "fourth");
    awaitSays("\u23f9 Stopping the current reply to answer this one.");
    backend.finishAll();
  }

  @Test
  void aBackendThatNeedsNoHistoryGetsNone() throws Exception {
    ScriptedBackend backend = new ScriptedBackend();
    backend.usesHistory = false;
    backend.turns.add((r, o, c) -> new TurnResult("first answer"));
    backend.turns.add((r, o, c) -> new TurnResult("second answer"));
    start(DispatcherSettings.defaults(), backend);
    chat.deliver("alice", "one");
    awaitSays("first answer");
    chat.deliver("alice", "two");
    awaitSays("second answer");
    backend.requests.poll(5, TimeUnit.SECONDS);
    assertThat(backend.requests.poll(5, TimeUnit.SECONDS).history()).isEmpty();
    // the transcript is kept all the same
    assertThat(store.conversations().lines("mem:alice", 0, 10))
        .extracting(l -> l.text())
        .containsExactly("one", "first answer", "two", "second answer");
  }
}
