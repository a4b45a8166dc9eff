package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
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
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.Conversations;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.store.Outbox;
import dev.switchboard.testing.AdapterOutbound;
import dev.switchboard.testing.FakeGatewayControl;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.VirtualThreadSpawner;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
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
    return build(policy, store.journal());
  }

  private InboundPipeline build(AccessPolicy policy, InboundJournal journal) {
    Delivery delivery = new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system());
    dispatcher = new Dispatcher(
        DispatcherSettings.defaults(),
        new SessionServices(backend, delivery, store.conversations(), spawner, Ticker.system()),
        new CommandSetup(CommandTable.standard(List.of()), new FakeGatewayControl(), m -> false),
        listener);
    spawner.spawn("dispatch-loop", dispatcher::runLoop);
    pipeline = new InboundPipeline(
        journal,
        store.outbox(),
        new Authorizer(policy, store.pairings()),
        new Pairing(store.pairings(), new PairingCodes(new SecureRandom()), Clock.systemUTC()),
        dispatcher,
        delivery,
        Ticker.system());
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
  void aStrangersWordsAreNotStoredOnlyWhoSentThemAndWhichMessageItWas() throws Exception {
    RecordingJournal journal = new RecordingJournal(store.journal());
    build(AccessPolicy.denyAll(), journal).resume(List.of(), Set.of("mem"));
    InboundMessage inPrivate = chat.deliver("stranger", "my card number is 4111 1111");
    assertThat(journal.refused).as("journaled before deliver returned").hasSize(1);
    InboundMessage inGroup = new InboundMessage(
        ChatRef.of("mem", "group"),
        "g1",
        new Sender("lurker", "L"),
        "the group's plans",
        true,
        Instant.now());
    chat.deliver(inGroup);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(chat.transcript("stranger")).contains("pairing approve mem "));

    assertThat(journal.recordedTexts).isEmpty();
    assertThat(journal.refused).containsExactly("stranger:pairing", "lurker:ignored");
    assertThat(store.journal().unfinished()).isEmpty();
    chat.deliver(inGroup);
    chat.deliver(inPrivate);
    assertThat(journal.refused).as("redeliveries are recognised").hasSize(2);
    assertThat(store.journal().record(inPrivate)).isFalse();
  }

  @Test
  void aMessageThatComesBeforeTheResumeIsJournaledAtOnceAndAnsweredAfterWhatWasLeft()
      throws Exception {
    build(everyone());
    InboundMessage left = chat.message("alice", "left by the last process");
    assertThat(store.journal().record(left)).isTrue();
    List<InboundJournal.Entry> leftovers = pipeline.leftovers();

    // comes while the platforms connect: the platform's reader must not wait for the resume
    // (Discord replays what came during a restart before it says RESUMED)
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        chat.deliver("bob", "new during the start");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(reader.join(Duration.ofSeconds(5))).as("the reader went on").isTrue();
    assertThat(store.journal().unfinished())
        .extracting(e -> e.message().text())
        .containsExactly("left by the last process", "new during the start");
    assertThat(listener.started).isEmpty();

    pipeline.resume(leftovers, Set.of("mem"));
    await().until(() -> listener.started.size() == 2);
    assertThat(listener.started)
        .containsExactly("left by the last process", "new during the start");
    chat.deliver("carol", "after the start");
    await().until(() -> listener.started.size() == 3);
  }

  @Test
  void anAllowedUsersMessageIsJournaledWhole() throws Exception {
    RecordingJournal journal = new RecordingJournal(store.journal());
    build(everyone(), journal).resume(List.of(), Set.of("mem"));
    chat.deliver("alice", "please keep this");

    assertThat(journal.recordedTexts).containsExactly("please keep this");
    assertThat(journal.refused).isEmpty();
  }

  /** The journal as the pipeline uses it, with what was given to it to keep. */
  private static final class RecordingJournal implements InboundJournal {
    private final InboundJournal real;
    final List<String> recordedTexts = new CopyOnWriteArrayList<>();
    final List<String> refused = new CopyOnWriteArrayList<>();

    RecordingJournal(InboundJournal real) {
      this.real = real;
    }

    @Override
    public boolean record(InboundMessage message) {
      boolean first = real.record(message);
      if (first) {
        recordedTexts.add(message.text());
      }
      return first;
    }

    @Override
    public boolean recordRefused(MessageRef message, String senderId, String outcome) {
      boolean first = real.recordRefused(message, senderId, outcome);
      if (first) {
        refused.add(senderId + ":" + outcome);
      }
      return first;
    }

    @Override
    public boolean unfinished(MessageRef message) {
      return real.unfinished(message);
    }

    @Override
    public boolean knowsChat(String platform, String chatId) {
      return real.knowsChat(platform, chatId);
    }

    @Override
    public int markRunning(InboundMessage message) {
      return real.markRunning(message);
    }

    @Override
    public void recordReply(InboundMessage message, String reply) {
      real.recordReply(message, reply);
    }

    @Override
    public void recordAttachments(InboundMessage message) {
      real.recordAttachments(message);
    }

    @Override
    public Set<String> storedAttachments() {
      return real.storedAttachments();
    }

    @Override
    public void markPending(InboundMessage message) {
      real.markPending(message);
    }

    @Override
    public void markDone(InboundMessage message, String outcome) {
      real.markDone(message, outcome);
    }

    @Override
    public List<Entry> unfinished() {
      return real.unfinished();
    }

    @Override
    public int pruneDone(Instant before, int limit) {
      return real.pruneDone(before, limit);
    }
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

  /** What the process that died had recorded: a running turn of attempt 1 and, maybe, its reply. */
  private InboundMessage runningWhenItDied(String text, String reply) {
    InboundMessage m = left("alice", text);
    store.journal().markRunning(m);
    if (reply != null) {
      store.journal().recordReply(m, reply);
    }
    return m;
  }

  private Outbox.Entry part(InboundMessage m, int part, String text) {
    return store
        .outbox()
        .claim(OutboxKeys.replyPrefix(m.dedupeKey(), 1) + part, m.chat(), text, m.dedupeKey());
  }

  @Test
  void anAnswerWhosePartWasCutOffMidSendIsDeliveredAgainMarkedAndNotAskedAgain() throws Exception {
    String answer = "y".repeat(4090) + "\n\nlast paragraph";
    InboundMessage m = runningWhenItDied("was answering", answer);
    build(everyone());
    // split as delivery splits for a platform that renders nothing itself
    List<String> parts = ReplyFormat.plainText(4096).messages(StyledText.plain(answer));
    assertThat(parts).hasSizeGreaterThanOrEqualTo(2);
    var shown = chat.send(m.chat(), parts.get(0)); // part 0 reached the chat
    Outbox.Entry p0 = part(m, 0, parts.get(0));
    store.outbox().markSent(p0.id(), shown.messageId(), parts.get(0), false);
    Outbox.Entry p1 = part(m, 1, parts.get(1));
    store.outbox().markSending(p1.id(), parts.get(1)); // then the process died

    pipeline.resume(store.journal().unfinished(), Set.of("mem"));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.journal().unfinished().isEmpty());
    assertThat(chat.texts("alice"))
        .containsExactly(parts.get(0), "\u21bb Resent after a restart\n" + parts.get(1));
    assertThat(chat.transcript("alice")).doesNotContain("may be missing");
    assertThat(listener.started).isEmpty(); // the agent is not asked again
    assertThat(store
            .outbox()
            .find(OutboxKeys.firstReplyPart(m.dedupeKey(), 1))
            .orElseThrow()
            .complete())
        .isTrue();
  }

  @Test
  void anAnswerNotYetSentIsDeliveredUnmarkedIntoThePreviewLeftOnScreen() throws Exception {
    InboundMessage m = runningWhenItDied("long question", "the whole answer");
    build(everyone());
    var preview = chat.send(m.chat(), "the whole \u2026"); // the stream's preview
    Outbox.Entry p0 = part(m, 0, "the whole \u2026");
    store.outbox().markSent(p0.id(), preview.messageId(), "the whole \u2026", false);

    pipeline.resume(store.journal().unfinished(), Set.of("mem"));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.journal().unfinished().isEmpty());
    assertThat(chat.texts("alice")).containsExactly("the whole answer"); // edited in place
    assertThat(listener.started).isEmpty();
  }

  @Test
  void aTurnCutOffWhileSendingItsFirstPreviewBeforeTheAgentFinishedIsAskedAgain() throws Exception {
    InboundMessage m = runningWhenItDied("was answering", null);
    Outbox.Entry e = part(m, 0, "partial");
    store.outbox().markSending(e.id(), "partial"); // then the process died
    backend.finishAll();

    build(everyone()).resume(store.journal().unfinished(), Set.of("mem"));

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(listener.started).containsExactly("was answering"));
    assertThat(chat.transcript("alice")).doesNotContain("may be missing");
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
  void aTurnKilledBeforeItsMessageReachedTheTranscriptPutsItThereWhenRunAgain() throws Exception {
    InboundMessage m = left("alice", "asked just before the crash");
    store.journal().markRunning(m); // attempt 1 counted, then the process died
    backend.finishAll();

    build(everyone()).resume(store.journal().unfinished(), Set.of("mem"));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.journal().unfinished().isEmpty());
    String session = SessionKey.of(m, true).id();
    assertThat(store.conversations().lines(session, 0, 10))
        .extracting(Conversations.Line::role, Conversations.Line::text)
        .containsExactly(
            tuple("user", "asked just before the crash"),
            tuple("assistant", "done: asked just before the crash"));
  }

  @Test
  void anAnswerTheJournalKeptButTheTranscriptMissedGoesIntoTheTranscriptOnce() throws Exception {
    // the turn put its question in the transcript and its answer in the journal, then died
    InboundMessage m = runningWhenItDied("killed between the two", "the kept answer");
    String session = SessionKey.of(m, true).id();
    store.conversations().append(session, 0, "user", "killed between the two");
    build(everyone());

    pipeline.resume(store.journal().unfinished(), Set.of("mem"));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.journal().unfinished().isEmpty());
    assertThat(store.conversations().lines(session, 0, 10))
        .extracting(Conversations.Line::role, Conversations.Line::text)
        .containsExactly(
            tuple("user", "killed between the two"), tuple("assistant", "the kept answer"));
    assertThat(listener.started).as("the agent is not asked again").isEmpty();
    assertThat(chat.transcript("alice")).contains("the kept answer");
  }

  @Test
  void anAnswerAlreadyInTheTranscriptIsNotPutThereAgainWhenDeliveredAgain() throws Exception {
    InboundMessage m = runningWhenItDied("killed after both", "the kept answer");
    String session = SessionKey.of(m, true).id();
    store.conversations().append(session, 0, "user", "killed after both");
    store.conversations().append(session, 0, "assistant", "the kept answer");
    build(everyone());

    pipeline.resume(store.journal().unfinished(), Set.of("mem"));

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> store.journal().unfinished().isEmpty());
    assertThat(store.conversations().lines(session, 0, 10)).hasSize(2);
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
