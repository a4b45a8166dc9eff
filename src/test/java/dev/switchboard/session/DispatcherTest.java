package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import dev.switchboard.command.CommandTable;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.testing.AdapterOutbound;
import dev.switchboard.testing.FakeGatewayControl;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.VirtualThreadSpawner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DispatcherTest {
  private final InMemoryAdapter chat = new InMemoryAdapter("mem");
  private final GatedBackend backend = new GatedBackend();
  private final FakeGatewayControl gateway = new FakeGatewayControl();
  private final VirtualThreadSpawner spawner = new VirtualThreadSpawner();
  private final RecordingListener listener = new RecordingListener();
  private final InMemoryStore store = new InMemoryStore();
  private Dispatcher dispatcher;

  private Dispatcher start(DispatcherSettings settings) {
    return start(settings, backend);
  }

  private final ManualClock clock = new ManualClock();
  private Ticker loopTicker = Ticker.system();

  private Dispatcher start(DispatcherSettings settings, AgentBackend agent) {
    chat.connect(m -> dispatcher.submit(m), null);
    dispatcher = new Dispatcher(
        settings,
        new SessionServices(
            agent,
            new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system()),
            store.conversations(),
            spawner,
            loopTicker),
        new CommandSetup(
            CommandTable.standard(List.of()), gateway, m -> m.sender().userId().equals("admin")),
        listener);
    spawner.spawn("dispatch-loop", dispatcher::runLoop);
    return dispatcher;
  }

  private static DispatcherSettings queue() {
    return DispatcherSettings.defaults().withBusyPolicy(BusyPolicy.QUEUE);
  }

  private static DispatcherSettings interrupt() {
    return DispatcherSettings.defaults().withBusyPolicy(BusyPolicy.INTERRUPT);
  }

  @AfterEach
  void tearDown() {
    backend.finishAll();
    if (dispatcher != null) {
      dispatcher.close();
    }
    spawner.close();
  }

  private void awaitTranscriptContains(String chatId, String text) {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.transcript(chatId)).contains(text));
  }

  @Test
  void turnsOfOneSessionRunInOrderAndNeverOverlap() throws Exception {
    start(queue());
    chat.deliver("alice", "one");
    chat.deliver("alice", "two");
    chat.deliver("alice", "three");
    assertThat(backend.awaitStart(5).text()).isEqualTo("one");
    // Both must be admitted while "one" runs, or the acknowledgements below count differently.
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.queuedMessages() == 2);
    backend.finish("one");
    assertThat(backend.awaitStart(5).text()).isEqualTo("two");
    backend.finish("two");
    assertThat(backend.awaitStart(5).text()).isEqualTo("three");
    backend.finish("three");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(backend.finished()).containsExactly("one", "two", "three"));
    assertThat(backend.maxConcurrentPerChat()).isEqualTo(1);
    awaitTranscriptContains("alice", "done: three");
    assertThat(chat.texts("alice"))
        .filteredOn(t -> !t.startsWith("\u23f3"))
        .containsExactly("done: one", "done: two", "done: three");
    // each queued message was acknowledged at once with what was ahead of it
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.texts("alice"))
            .filteredOn(t -> t.startsWith("\u23f3"))
            .containsExactlyInAnyOrder(
                "\u23f3 Queued: 1 message is ahead of this one.",
                "\u23f3 Queued: 2 messages are ahead of this one."));
  }

  @Test
  void differentSessionsRunAtTheSameTime() throws Exception {
    start(queue());
    chat.deliver("alice", "a1");
    chat.deliver("bob", "b1");
    List<String> both =
        List.of(backend.awaitStart(5).text(), backend.awaitStart(5).text());
    assertThat(both).containsExactlyInAnyOrder("a1", "b1");
    await().untilAsserted(() -> assertThat(dispatcher.activeTurns()).isEqualTo(2));
  }

  @Test
  void interruptPolicyCancelsTheRunningTurnAndRunsTheNewMessageNext() throws Exception {
    start(interrupt());
    chat.deliver("alice", "first");
    backend.awaitStart(5);
    chat.deliver("alice", "second");
    assertThat(backend.awaitStart(5).text()).isEqualTo("second");
    awaitTranscriptContains("alice", "Interrupted by your next message");
    assertThat(backend.finished()).doesNotContain("first");
    backend.finish("second");
    awaitTranscriptContains("alice", "done: second");
  }

  @Test
  void queuePolicyWaitsForTheRunningTurn() throws Exception {
    start(queue());
    chat.deliver("alice", "first");
    backend.awaitStart(5);
    chat.deliver("alice", "second");
    await().untilAsserted(() -> assertThat(statusOf("alice")).contains("Queued messages: 1"));
    backend.finish("first");
    assertThat(backend.awaitStart(5).text()).isEqualTo("second");
    assertThat(backend.finished()).containsExactly("first");
  }

  private String statusOf(String chatId) throws InterruptedException {
    int before = chat.texts(chatId).size();
    chat.deliver(chatId, "/status");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> chat.texts(chatId).size() > before
            && chat.texts(chatId).getLast().startsWith("Session:"));
    return chat.texts(chatId).getLast();
  }

  @Test
  void commandsBypassTheBusyGuard() throws Exception {
    start(queue());
    chat.deliver("alice", "long job");
    backend.awaitStart(5);
    String status = statusOf("alice");
    assertThat(status)
        .contains("Turn running: yes")
        .contains("Agent: gated")
        .contains("Session: mem:alice");
    assertThat(backend.finished()).isEmpty();
  }

  @Test
  void helpRestartAndNewAreAnsweredWhileATurnRunsInTheSameSession() throws Exception {
    start(queue());
    chat.deliver("admin", "long job");
    backend.awaitStart(5);
    chat.deliver("admin", "/help");
    awaitTranscriptContains("admin", "/restart");
    InboundMessage restart = chat.deliver("admin", "/restart");
    awaitTranscriptContains("admin", "Restarting");
    assertThat(gateway.restartRequests).containsExactly(restart);
    assertThat(backend.finished()).as("the turn is still running").isEmpty();
    chat.deliver("admin", "/new");
    awaitTranscriptContains("admin", "Started a new conversation.");
    assertThat(listener.finished)
        .containsEntry("/help", "command")
        .containsEntry("/new", "command");
  }

  @Test
  void stopCancelsTheTurnAndDropsQueuedMessages() throws Exception {
    start(queue());
    chat.deliver("alice", "first");
    backend.awaitStart(5);
    chat.deliver("alice", "second");
    chat.deliver("alice", "/stop");
    awaitTranscriptContains("alice", "Stopped.");
    awaitTranscriptContains("alice", "\u23f9 Stopped.");
    await().untilAsserted(() -> assertThat(dispatcher.activeTurns()).isZero());
    assertThat(backend.finished()).isEmpty();
    chat.deliver("alice", "third");
    assertThat(backend.awaitStart(5).text()).isEqualTo("third");
  }

  @Test
  void stopWithNothingRunningSaysSo() throws Exception {
    start(queue());
    chat.deliver("alice", "/stop");
    awaitTranscriptContains("alice", "Nothing is running.");
  }

  @Test
  void newStartsAFreshConversation() throws Exception {
    start(queue());
    backend.finishAll();
    chat.deliver("alice", "hello");
    TurnRequest before = backend.awaitStart(5);
    chat.deliver("alice", "/new");
    awaitTranscriptContains("alice", "Started a new conversation.");
    chat.deliver("alice", "again");
    TurnRequest after = backend.awaitStart(5);
    assertThat(after.conversationId()).isNotEqualTo(before.conversationId());
  }

  @Test
  void unknownCommandGetsAHelpfulReplyAndNoTurn() throws Exception {
    start(queue());
    chat.deliver("alice", "/frobnicate now");
    awaitTranscriptContains("alice", "Unknown command /frobnicate. Send /help");
    chat.deliver("alice", "/help");
    awaitTranscriptContains("alice", "/restart");
    assertThat(backend.finished()).isEmpty();
    assertThat(listener.lastActive.get()).isEqualTo(-1);
    assertThat(listener.finished)
        .containsEntry("/frobnicate now", "unknown command")
        .containsEntry("/help", "command");
  }

  @Test
  void textThatOnlyStartsWithASlashIsSentToTheAgent() throws Exception {
    start(queue());
    chat.deliver("alice", "/home/alice/notes.txt please");
    assertThat(backend.awaitStart(5).text()).isEqualTo("/home/alice/notes.txt please");
  }

  @Test
  void restartCommandGoesToTheGatewayForAnAdmin() throws Exception {
    start(queue());
    InboundMessage m = chat.deliver("admin", "/restart");
    awaitTranscriptContains("admin", "Restarting");
    assertThat(gateway.restartRequests).containsExactly(m);
  }

  @Test
  void restartIsRefusedToANonAdmin() throws Exception {
    start(queue());
    chat.deliver("alice", "/restart");
    awaitTranscriptContains("alice", "Only an admin can use /restart.");
    assertThat(gateway.restartRequests).isEmpty();
    assertThat(listener.finished).containsEntry("/restart", "refused");
  }

  private InboundMessage groupMessage(String user, String text) {
    return new InboundMessage(
        new ChatRef("mem", "group", null),
        text + "-" + user,
        new Sender(user, user),
        text,
        true,
        Instant.now());
  }

  @Test
  void groupMembersHaveTheirOwnSessions() throws Exception {
    start(queue());
    chat.deliver(groupMessage("u1", "x"));
    chat.deliver(groupMessage("u2", "y"));
    List<String> both =
        List.of(backend.awaitStart(5).text(), backend.awaitStart(5).text());
    assertThat(both).containsExactlyInAnyOrder("x", "y");
  }

  @Test
  void groupsCanShareOneSessionPerChat() throws Exception {
    DispatcherSettings d = queue();
    start(new DispatcherSettings(
        d.busyPolicy(),
        false,
        d.maxQueuedPerSession(),
        d.intakeCapacity(),
        d.intakeWait(),
        d.turns()));
    chat.deliver(groupMessage("u1", "x"));
    assertThat(backend.awaitStart(5).text()).isEqualTo("x");
    chat.deliver(groupMessage("u2", "y"));
    backend.finish("x");
    assertThat(backend.awaitStart(5).text()).isEqualTo("y");
    assertThat(backend.finished()).containsExactly("x");
  }

  @Test
  void tooManyQueuedMessagesAreRefused() throws Exception {
    DispatcherSettings d = queue();
    start(new DispatcherSettings(
        d.busyPolicy(), true, 2, d.intakeCapacity(), d.intakeWait(), d.turns()));
    chat.deliver("alice", "running");
    backend.awaitStart(5);
    chat.deliver("alice", "q1");
    chat.deliver("alice", "q2");
    chat.deliver("alice", "q3");
    awaitTranscriptContains("alice", "Too many messages are waiting in this conversation (2)");
  }

  @Test
  void drainDefersNewAndQueuedTurnsAndWaitsForRunningOnes() throws Exception {
    start(queue());
    chat.deliver("alice", "running");
    backend.awaitStart(5);
    chat.deliver("alice", "queued");
    await().untilAsserted(() -> assertThat(statusOf("alice")).contains("Queued messages: 1"));

    CompletableFuture<Void> drained = dispatcher.beginDrain(DrainReason.RESTART);
    assertThat(drained).isNotDone();
    awaitTranscriptContains("alice", "Switchboard is restarting. Finishing your current reply");
    awaitTranscriptContains("alice", "restarting. I will answer this when it is back");
    assertThat(listener.deferred).containsExactly("queued/RESTART");

    chat.deliver("bob", "too late");
    awaitTranscriptContains("bob", "restarting. I will answer this when it is back");
    await().untilAsserted(() -> assertThat(listener.deferred).contains("too late/RESTART"));

    assertThat(statusOf("bob")).contains("Turn running: no");
    backend.finish("running");
    drained.get(5, TimeUnit.SECONDS);
    awaitTranscriptContains("alice", "done: running");
    assertThat(backend.finished()).containsExactly("running");
    assertThat(dispatcher.beginDrain(DrainReason.STOP)).isSameAs(drained);
    await().untilAsserted(() -> assertThat(listener.finished).containsEntry("running", "answered"));
  }

  @Test
  void drainWithNothingRunningCompletesAtOnce() {
    start(queue());
    assertThat(dispatcher.beginDrain(DrainReason.STOP)).isDone();
  }

  @Test
  void interruptRunningCancelsTurnsTellsTheChatAndDefersThem() throws Exception {
    start(queue());
    chat.deliver("alice", "slow");
    backend.awaitStart(5);
    CompletableFuture<Void> drained = dispatcher.beginDrain(DrainReason.STOP);
    assertThat(dispatcher.interruptRunning()).isEqualTo(1);
    drained.get(5, TimeUnit.SECONDS);
    awaitTranscriptContains(
        "alice",
        "Interrupted: Switchboard is shutting down. I will answer"
            + " this again when it is back.");
    await().untilAsserted(() -> assertThat(listener.deferred).containsExactly("slow/STOP"));
    assertThat(chat.transcript("alice")).contains("working on: slow");
  }

  @Test
  void aQueuedMessageNeverStartsOnceTheDrainBegan() throws Exception {
    // The lane's runner picks its next message under the same lock that begins the drain, so
    // "turn A ends" and "drain begins" cannot interleave into B starting.
    start(queue());
    chat.deliver("alice", "A");
    backend.awaitStart(5);
    chat.deliver("alice", "B");
    await().untilAsserted(() -> assertThat(statusOf("alice")).contains("Queued messages: 1"));
    CompletableFuture<Void> drained = dispatcher.beginDrain(DrainReason.RESTART);
    backend.finish("A");
    drained.get(5, TimeUnit.SECONDS);
    backend.finishAll();
    assertThat(backend.finished()).containsExactly("A");
    assertThat(dispatcher.activeTurns()).isZero();
  }

  @Test
  void agentErrorsReachTheChatAndTheLoopGoesOn() throws Exception {
    AgentBackend failing = new AgentBackend() {
      @Override
      public String describe() {
        return "failing";
      }

      @Override
      public TurnResult run(
          TurnRequest r, dev.switchboard.agent.TurnOutput out, dev.switchboard.agent.TurnControl c)
          throws AgentException {
        if (r.text().equals("explode")) {
          throw new IllegalStateException("bug in backend");
        }
        throw new AgentException("The model is overloaded; try again.", "503", null);
      }
    };
    start(queue(), failing);
    chat.deliver("alice", "hello");
    awaitTranscriptContains("alice", "The model is overloaded; try again.");
    chat.deliver("alice", "explode");
    awaitTranscriptContains(
        "alice", "The agent failed to answer; the details are in the gateway log.");
    assertThat(chat.transcript("alice")).doesNotContain("bug in backend");
    chat.deliver("alice", "/status");
    awaitTranscriptContains("alice", "Agent: gated");
  }

  @Test
  void heartbeatBeatsWhileIdleAndRetiresWhenClosed() throws Exception {
    loopTicker = clock;
    start(queue());
    clock.advance(Duration.ofSeconds(60));
    assertThat(dispatcher.heartbeat().stalled()).isTrue();
    // The idle loop wakes at least every second and beats: the minute of silence is erased.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> dispatcher.heartbeat().silence().isZero());
    assertThat(dispatcher.heartbeat().stalled()).isFalse();
    dispatcher.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.heartbeat().retired());
  }

  @Test
  void closedDispatcherDropsMessages() throws Exception {
    start(queue());
    dispatcher.close();
    chat.deliver("alice", "after close");
    assertThat(dispatcher.activeTurns()).isZero();
    assertThat(chat.sent()).isEmpty();
  }
}
