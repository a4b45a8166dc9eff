package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.auth.AccessPolicy;
import dev.switchboard.auth.Authorizer;
import dev.switchboard.auth.Pairing;
import dev.switchboard.auth.PairingCodes;
import dev.switchboard.command.CommandTable;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.OutboxKeys;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.store.Outbox;
import dev.switchboard.testing.AdapterOutbound;
import dev.switchboard.testing.FakeGatewayControl;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.VirtualThreadSpawner;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InboundPipelineTest {
  private final InMemoryStore store = new InMemoryStore();
  private final InMemoryAdapter chat = new InMemoryAdapter("mem");
  private final GatedBackend backend = new GatedBackend();
  private final VirtualThreadSpawner spawner = new VirtualThreadSpawner();
  private final RecordingListener listener = new RecordingListener() {
    @Override
    public int started(InboundMessage message) {
      super.started(message);
      return store.journal().markRunning(message);
    }

    @Override
    public void finished(InboundMessage message, String outcome) {
      super.finished(message, outcome);
      store.journal().markDone(message, outcome);
    }
  };
  private Dispatcher dispatcher;
  private InboundPipeline pipeline;

  private InboundPipeline build(AccessPolicy policy) {
    Delivery delivery = new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system());
    dispatcher = new Dispatcher(
        DispatcherSettings.defaults(),
        new SessionServices(backend, delivery, store.conversations(), spawner, Ticker.system()),
        new CommandSetup(CommandTable.standard(List.of()), new FakeGatewayControl(), m -> false),
        listener);
    spawner.spawn("dispatch-loop", dispatcher::runLoop);
    pipeline = new InboundPipeline(
        store.journal(),
        store.outbox(),
        new Authorizer(policy, store.pairings()),
        new Pairing(store.pairings(), new PairingCodes(new SecureRandom()), Clock.systemUTC()),
        dispatcher,
        delivery,
        Clock.systemUTC());
    chat.connect(pipeline, null);
    return pipeline;
  }

  private static AccessPolicy everyone() {
    return AccessPolicy.of(true, List.of(), List.of(), Map.of(), Map.of());
  }

  @AfterEach
  void tearDown() {
    backend.finishAll();
    if (dispatcher != null) {
      dispatcher.close();
    }
    spawner.close();
  }

  @Test
  void anUnknownUserGetsOnlyAPairingCodeAndNothingReachesTheAgent() throws Exception {
    build(AccessPolicy.denyAll()).resume(List.of(), Set.of("mem"));
    chat.deliver("stranger", "let me in");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() ->
            assertThat(chat.transcript("stranger")).contains("switchboard pairing approve mem "));
    String code = store.pairings().pending("mem", Instant.now()).getFirst().code();
    assertThat(chat.transcript("stranger")).contains(code).contains("valid for 60 minutes");
    chat.deliver("stranger", "hello?");
    chat.deliver("stranger", "/status");
    assertThat(chat.texts("stranger")).hasSize(1); // no second code, no status, no turn
    assertThat(listener.started).isEmpty();
    assertThat(store.journal().unfinished()).isEmpty();
  }

  @Test
  void anApprovedUserGetsThrough() throws Exception {
    build(AccessPolicy.denyAll()).resume(List.of(), Set.of("mem"));
    chat.deliver("newcomer", "hi");
    await().until(() -> !store.pairings().pending("mem", Instant.now()).isEmpty());
    String code = store.pairings().pending("mem", Instant.now()).getFirst().code();
    new Pairing(store.pairings(), new PairingCodes(new SecureRandom()), Clock.systemUTC())
        .approve("mem", code);
    chat.deliver("newcomer", "now?");
    assertThat(backend.awaitStart(5).text()).isEqualTo("now?");
  }

  @Test
  void unknownUsersInGroupsAreIgnoredSilently() throws Exception {
    build(AccessPolicy.denyAll()).resume(List.of(), Set.of("mem"));
    InboundMessage m = new InboundMessage(
        ChatRef.of("mem", "group"),
        "g1",
        new Sender("stranger", "S"),
        "hello all",
        true,
        Instant.now());
    chat.deliver(m);
    assertThat(chat.sent()).isEmpty();
    assertThat(store.journal().unfinished()).isEmpty();
    assertThat(store.pairings().pending("mem", Instant.now())).isEmpty();
  }

  @Test
  void aRedeliveredMessageIsHandledOnce() throws Exception {
    build(everyone()).resume(List.of(), Set.of("mem"));
    backend.finishAll();
    InboundMessage m = chat.deliver("alice", "once");
    chat.deliver(m);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.transcript("alice")).contains("done: once"));
    chat.deliver("alice", "/status");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.transcript("alice")).contains("Session:"));
    assertThat(backend.finished()).containsExactly("once");
  }

  private InboundMessage left(String user, String text) {
    InboundMessage m = chat.message(user, text);
    store.journal().record(m);
    return m;
  }

  @Test
  void resumeAnswersWhatWasWaitingBeforeAnythingNew() throws Exception {
    InboundMessage waiting = left("alice", "first, from before");
    build(everyone());
    Thread newcomer = Thread.ofVirtual().start(() -> {
      try {
        chat.deliver("alice", "second, new");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    await().until(() -> store.journal().unfinished().size() == 2); // journaled, held back
    assertThat(listener.started).isEmpty();
    pipeline.resume(
        store.journal().unfinished().stream()
            .filter(e -> e.message().equals(waiting))
            .toList(),
        Set.of("mem"));
    newcomer.join();
    assertThat(backend.awaitStart(5).text()).isEqualTo("first, from before");
    backend.finish("first, from before");
    assertThat(backend.awaitStart(5).text()).isEqualTo("second, new");
  }

  @Test
  void aTurnCutOffWhileSendingIsNotAnsweredTwiceButTheUserIsTold() throws Exception {
    InboundMessage m = left("alice", "was answering");
    int attempt = store.journal().markRunning(m);
    Outbox.Entry e = store
        .outbox()
        .claim(
            OutboxKeys.replyPrefix(m.dedupeKey(), attempt) + "0",
            m.chat(),
            "partial",
            m.dedupeKey());
    store.outbox().markSending(e.id(), "partial"); // then the process died
    build(everyone()).resume(store.journal().unfinished(), Set.of("mem"));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(chat.transcript("alice")).contains("part of it may be missing"));
    assertThat(listener.started).isEmpty();
    assertThat(store.journal().unfinished()).isEmpty();
  }

  @Test
  void aTurnWhoseReplyArrivedCompletelyIsNotRunAgain() throws Exception {
    InboundMessage m = left("alice", "answered just before the crash");
    int attempt = store.journal().markRunning(m);
    Outbox.Entry e = store
        .outbox()
        .claim(
            OutboxKeys.replyPrefix(m.dedupeKey(), attempt) + "0",
            m.chat(),
            "the answer",
            m.dedupeKey());
    store.outbox().markSent(e.id(), "s99", "the answer", true);
    build(everyone()).resume(store.journal().unfinished(), Set.of("mem"));
    assertThat(store.journal().unfinished()).isEmpty();
    assertThat(listener.started).isEmpty();
    assertThat(chat.sent()).isEmpty();
  }

  @Test
  void aTurnCutOffMidStreamIsRunAgainAndItsPreviewMarked() throws Exception {
    InboundMessage m = left("alice", "long answer");
    int attempt = store.journal().markRunning(m);
    build(everyone());
    var preview = chat.send(m.chat(), "long ans \u2026"); // on screen when the process died
    Outbox.Entry e = store
        .outbox()
        .claim(
            OutboxKeys.replyPrefix(m.dedupeKey(), attempt) + "0",
            m.chat(),
            "long ans \u2026",
            m.dedupeKey());
    store.outbox().markSent(e.id(), preview.messageId(), "long ans \u2026", false);
    backend.finishAll();
    pipeline.resume(store.journal().unfinished(), Set.of("mem"));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.transcript("alice")).contains("done: long answer"));
    assertThat(chat.texts("alice").getFirst()).contains("cut off by a restart");
    assertThat(listener.started).containsExactly("long answer");
  }

  @Test
  void messagesOfAPlatformNotEnabledNowStayPending() throws Exception {
    InboundMessage m = new InboundMessage(
        ChatRef.of("gone", "1"), "x1", new Sender("1", "a"), "hi", false, Instant.now());
    store.journal().record(m);
    build(everyone()).resume(store.journal().unfinished(), Set.of("mem"));
    assertThat(store.journal().unfinished())
        .extracting(InboundJournal.Entry::message)
        .containsExactly(m);
  }

  @Test
  void requestsOfAPlatformWhoseAskerIsGoneAreClosedNotAnswered() throws Exception {
    InboundMessage m = new InboundMessage(
        ChatRef.of("api", "chatcmpl-1"),
        "chatcmpl-1",
        new Sender("api-client", "API client"),
        "nobody waits for this",
        false,
        Instant.now());
    store.journal().record(m);
    InboundMessage kept = left("alice", "still answered");
    backend.finishAll();
    build(everyone()).resume(store.journal().unfinished(), Set.of("mem", "api"), Set.of("api"));
    assertThat(backend.awaitStart(5).text()).isEqualTo("still answered");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(store.journal().unfinished()).isEmpty());
    assertThat(listener.started).containsExactly(kept.text());
  }
}
