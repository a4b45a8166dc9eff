package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.discord.fake.FakeDiscordServer;
import dev.switchboard.testing.StubPlatformContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter against the fake Discord (gateway and REST) on loopback. */
class DiscordAdapterTest {
  private static final String TOKEN = "MTA5.fake-adapter-token.abc";
  private static final String BOT = Long.toString(FakeDiscordServer.BOT_ID);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private FakeDiscordServer discord;
  private DiscordAdapter adapter;
  private final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
  private final StubPlatformContext context = new StubPlatformContext();

  @BeforeEach
  void setUp() throws Exception {
    discord = new FakeDiscordServer(TOKEN);
    discord.heartbeatInterval(200);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (adapter != null) {
      adapter.disconnect();
    }
    discord.close();
  }

  private void connect(String token, Set<String> channels) throws Exception {
    adapter = new DiscordAdapter(
        new DiscordSettings(
            token, discord.apiBase(), discord.cdnBase(), channels, Duration.ofSeconds(1)),
        "test",
        Clock.systemUTC());
    adapter.connect(inbound::add, context);
  }

  @Test
  void directMessagesMentionsAndConfiguredChannelsAreForTheBot() throws Exception {
    connect(TOKEN, Set.of("c-open"));
    assertThat(discord.gatewayBotCalls()).isEqualTo(1);
    discord.messageCreate("dm-1", null, "u1", "ada", "hello in a DM");
    discord.messageCreate("c-guild", "g1", "u1", "ada", "talking among humans");
    discord.messageCreate("c-guild", "g1", "u1", "ada", "<@" + BOT + "> what is 2+2?");
    discord.messageCreate("c-open", "g1", "u2", "bob", "no mention needed here");
    discord.messageCreate("c-guild", "g1", BOT, "switchboard", "<@" + BOT + "> my own echo");
    await().atMost(WAIT).until(() -> inbound.size() >= 3);
    assertThat(inbound)
        .extracting(InboundMessage::text)
        .containsExactly("hello in a DM", "what is 2+2?", "no mention needed here");
    InboundMessage dm = inbound.getFirst();
    assertThat(dm.chat()).isEqualTo(ChatRef.of("discord", "dm-1"));
    assertThat(dm.group()).isFalse();
    assertThat(dm.sender().userId()).isEqualTo("u1");
    assertThat(inbound.get(1).group()).isTrue();
  }

  @Test
  void repliesAreSentEditedAndTypedWithoutPingingAnyone() throws Exception {
    connect(TOKEN, Set.of());
    ChatRef chat = ChatRef.of("discord", "dm-1");
    MessageRef sent = adapter.send(chat, "draft @everyone");
    adapter.edit(sent, "final answer");
    adapter.typing(chat);
    assertThat(discord.sent("dm-1")).singleElement().satisfies(m -> {
      assertThat(m.content()).isEqualTo("final answer");
      assertThat(m.edits()).isEqualTo(1);
    });
    assertThat(discord.lastCreateBody().path("allowed_mentions").path("parse").isArray())
        .isTrue();
    assertThat(discord.lastCreateBody().path("allowed_mentions").path("parse")).isEmpty();
    assertThat(discord.typingCalls()).isEqualTo(1);
    assertThat(adapter.limits().maxMessageLength()).isEqualTo(2000);
  }

  @Test
  void aSendRepeatedUnderTheSameKeyMakesOneMessage() throws Exception {
    connect(TOKEN, Set.of());
    ChatRef chat = ChatRef.of("discord", "dm-1");
    String key = "discord:dm-1:4711:reply:1:0";
    assertThat(adapter.idempotentSends()).isTrue();

    MessageRef first = adapter.send(chat, "the answer", key);
    MessageRef again = adapter.send(chat, "the answer", key); // after a crash cut the first off
    MessageRef other = adapter.send(chat, "the answer", "discord:dm-1:4711:reply:1:1");

    assertThat(again.messageId()).isEqualTo(first.messageId());
    assertThat(other.messageId()).isNotEqualTo(first.messageId());
    assertThat(discord.sent("dm-1")).hasSize(2);
    assertThat(discord.lastCreateBody().path("enforce_nonce").asBoolean()).isTrue();
    assertThat(discord.lastCreateBody().path("nonce").asString()).hasSizeLessThanOrEqualTo(25);
  }

  @Test
  void aDroppedGatewayResumesAndWhatWasSaidMeanwhileArrivesOnce() throws Exception {
    connect(TOKEN, Set.of());
    discord.messageCreate("dm-1", null, "u1", "ada", "before");
    await().atMost(WAIT).until(() -> inbound.size() == 1);
    discord.dropConnection();
    discord.messageCreate("dm-1", null, "u1", "ada", "during the outage");
    await().atMost(WAIT).until(() -> inbound.size() == 2);
    assertThat(inbound)
        .extracting(InboundMessage::text)
        .containsExactly("before", "during the outage");
    assertThat(discord.resumes()).isEqualTo(1);
    assertThat(discord.identifies()).isEqualTo(1);
  }

  @Test
  void theSessionIsSavedAsSoonAsItIsReadyBeforeAnyMessage() throws Exception {
    // A process that dies before the first message must leave its successor a session to
    // resume: Discord replays to a resume only, and only what came after the saved sequence.
    connect(TOKEN, Set.of());
    await()
        .atMost(WAIT)
        .until(() -> context.loadCursor(DiscordAdapter.SESSION_CURSOR).isPresent());
    assertThat(context.loadCursor(DiscordAdapter.SESSION_CURSOR).orElseThrow())
        .contains("\"session_id\"")
        .contains("\"resume_gateway_url\"")
        .contains("\"seq\":1");
  }

  @Test
  void aWrongTokenFailsTheConnectWithAClearReason() {
    assertThatThrownBy(() -> connect("MTA5.wrong-adapter-token.xyz", Set.of()))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
          assertThat(e.getMessage()).contains("401").doesNotContain("wrong-adapter-token");
        });
  }

  @Test
  void theSessionStartLimitIsWaitedOutNotSpent() throws Exception {
    discord.sessionStartsRemaining(0);
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        connect(TOKEN, Set.of());
      } catch (Exception e) {
        // interrupted below
      }
    });
    await().atMost(WAIT).until(() -> discord.gatewayBotCalls() == 1);
    assertThat(discord.identifies()).isZero();
    assertThat(discord.connections()).isZero();
    t.interrupt();
  }
}
