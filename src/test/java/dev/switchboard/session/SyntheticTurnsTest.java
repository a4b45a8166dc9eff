package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.agent.echo.EchoBackend;
import dev.switchboard.auth.AccessPolicy;
import dev.switchboard.auth.Authorizer;
import dev.switchboard.command.CommandTable;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.testing.AdapterOutbound;
import dev.switchboard.testing.FakeGatewayControl;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.VirtualThreadSpawner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own turns through the real dispatcher, with the echo agent (it answers with
 * the prompt): journaled once per run, never read as commands, answered without a live
 * preview, in a conversation of their own unless shared, and silent on the sentinel.
 */
class SyntheticTurnsTest {
  private static final ChatRef CHAT = ChatRef.of("mem", "42");

  private final InMemoryStore store = new InMemoryStore();
  // Edits allowed at once: a user's turn would show a preview; a synthetic one must not.
  private final InMemoryAdapter chat =
      new InMemoryAdapter("mem", new PlatformLimits(4096, true, Duration.ZERO));
  private final VirtualThreadSpawner spawner = new VirtualThreadSpawner();
  private final Map<String, String> outcomes = new ConcurrentHashMap<>();
  private Dispatcher dispatcher;
  private SyntheticTurns turns;

  @BeforeEach
  void setUp() throws Exception {
    dispatcher = new Dispatcher(
        DispatcherSettings.defaults(),
        new SessionServices(
            new EchoBackend(Duration.ofMillis(5)),
            new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system()),
            store.conversations(),
            spawner,
            Ticker.system()),
        new CommandSetup(CommandTable.standard(List.of()), new FakeGatewayControl(), m -> false),
        new JournalListener(store.journal(), new TurnObserver() {
          @Override
          public void activeTurnsChanged(int activeTurns) {}

          @Override
          public void turnStarted(InboundMessage message) {}

          @Override
          public void messageDone(InboundMessage message, String outcome) {
            outcomes.put(message.dedupeKey(), outcome);
          }
        }));
    chat.connect(m -> {}, null);
    spawner.spawn("dispatch-loop", dispatcher::runLoop);
    turns = new SyntheticTurns(store.journal(), dispatcher, Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    dispatcher.close();
    spawner.close();
  }

  private SyntheticTurn turn(String runId, String prompt, boolean own) {
    return new SyntheticTurn(CHAT, "job:7", runId, "Scheduled job 7", prompt, own);
  }

  private String outcome(SyntheticTurn t) {
    InboundMessage m = t.message(Instant.EPOCH);
    await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.containsKey(m.dedupeKey()));
    assertThat(store.journal().unfinished(m.ref())).isFalse();
    return outcomes.get(m.dedupeKey());
  }

  @Test
  void aRunIsAnsweredOnceWithoutAPreviewAndTheSameRunIsNotStartedTwice() throws Exception {
    SyntheticTurn run = turn("1764576000", "one two three four five six seven eight", true);

    assertThat(turns.start(run)).isTrue();
    assertThat(turns.start(run)).isFalse();

    assertThat(outcome(run)).isEqualTo("answered");
    assertThat(chat.sent()).singleElement().satisfies(s -> {
      assertThat(s.text()).isEqualTo("one two three four five six seven eight");
      assertThat(s.edit()).isFalse();
    });
  }

  @Test
  void aPromptThatLooksLikeACommandGoesToTheAgent() throws Exception {
    SyntheticTurn run = turn("1", "/new briefing", true);
    turns.start(run);

    assertThat(outcome(run)).isEqualTo("answered");
    assertThat(chat.texts("42")).containsExactly("/new briefing");
  }

  @Test
  void theSilentAnswerSendsNothingButKeepsTheTranscript() throws Exception {
    SyntheticTurn run = turn("1", " [SILENT] ", true);
    turns.start(run);

    assertThat(outcome(run)).isEqualTo("silent");
    assertThat(chat.sent()).isEmpty();
    String own = SessionKey.of(run.message(Instant.EPOCH), false).id();
    assertThat(store.conversations().lines(own, store.conversations().generation(own), 10))
        .extracting(l -> l.role() + ": " + l.text())
        .containsExactly("user:  [SILENT] ", "assistant: [SILENT]");
  }

  @Test
  void aRunHasAConversationOfItsOwnUnlessItShares() throws Exception {
    SyntheticTurn own = turn("1", "own", true);
    SyntheticTurn shared = turn("2", "shared", false);
    turns.start(own);
    turns.start(shared);
    outcome(own);
    outcome(shared);

    assertThat(SessionKey.of(own.message(Instant.EPOCH), false).id())
        .isEqualTo("mem:42@switchboard:job:7");
    assertThat(SessionKey.of(shared.message(Instant.EPOCH), true).id()).isEqualTo("mem:42");
    assertThat(
            store.conversations().lines("mem:42", store.conversations().generation("mem:42"), 10))
        .extracting(l -> l.text())
        .containsExactly("shared", "shared");
  }

  @Test
  void aSyntheticRunIsLetInWithoutASenderCheck() {
    Authorizer nobody = new Authorizer(AccessPolicy.denyAll(), store.pairings());
    InboundMessage run = turn("1", "x", true).message(Instant.EPOCH);

    assertThat(nobody.decide(run)).isEqualTo(Authorizer.Decision.ALLOWED);
    assertThat(run.synthetic()).isTrue();
    assertThat(chat.message("42", "hello").synthetic()).isFalse();
  }
}
