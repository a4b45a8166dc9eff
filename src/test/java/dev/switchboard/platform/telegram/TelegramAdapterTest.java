package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Ticker;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.CommandInfo;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapter against the fake Bot API: what Telegram sees, and what reaches the gateway. */
class TelegramAdapterTest {
  private static final String TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefgh";
  private static final long ALICE = 1001;
  private static final String WEBHOOK_SECRET = "s3cret_value_0123456789abcdefghij";

  private final FakeTelegramServer telegram = FakeTelegramServer.start(TOKEN, "switchboard_bot");
  private final TestContext context = new TestContext();
  private final BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
  private TelegramAdapter adapter;

  @AfterEach
  void tearDown() throws Exception {
    if (adapter != null) {
      adapter.disconnect();
    }
    context.threads.forEach(Thread::interrupt);
    telegram.close();
  }

  private TelegramAdapter connect(Map<ConfigKey<?>, Object> extra) throws Exception {
    Map<ConfigKey<?>, Object> values = new HashMap<>();
    values.put(TelegramSettings.TOKEN, TOKEN);
    values.put(TelegramSettings.API_BASE_URL, telegram.baseUrl());
    values.put(TelegramSettings.POLL_TIMEOUT, Duration.ofSeconds(2));
    values.putAll(extra);
    Config config = Config.defaults(ConfigSchema.of(TelegramSettings.keys())).with(values);
    adapter = new TelegramAdapter(TelegramSettings.from(config));
    adapter.connect(received::put, context);
    return adapter;
  }

  private InboundMessage next() throws InterruptedException {
    InboundMessage m = received.poll(10, TimeUnit.SECONDS);
    assertThat(m).as("a message reached the gateway").isNotNull();
    return m;
  }

  @Test
  void connectRegistersTheCommandMenuAndStopsAnyWebhook() throws Exception {
    connect(Map.of());
    assertThat(context.claimed).as("one gateway per bot token").containsExactly(TOKEN);
    assertThat(telegram.commands()).extracting(c -> c.command()).containsExactly("status", "help");
    assertThat(telegram.calls("deleteWebhook")).hasSize(1);
  }

  @Test
  void aPrivateMessageArrivesAndIsConfirmedOnlyAfterwards() throws Exception {
    connect(Map.of());
    telegram.registerUser(ALICE, "Alice", "Liddell", "alice");
    long update = telegram.privateMessage(ALICE, "hello there");
    InboundMessage m = next();
    assertThat(m.chat()).isEqualTo(new ChatRef("telegram", Long.toString(ALICE), null));
    assertThat(m.sender().userId()).isEqualTo("1001");
    assertThat(m.sender().displayName()).isEqualTo("Alice Liddell");
    assertThat(m.text()).isEqualTo("hello there");
    assertThat(m.group()).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> telegram.confirmedUpToUpdateId() >= update);
    await().atMost(Duration.ofSeconds(5)).until(() -> context.cursors.containsKey("offset"));
    assertThat(Long.parseLong(context.cursors.get("offset"))).isEqualTo(update + 1);
  }

  @Test
  void inGroupsOnlyMentionsRepliesAndOurCommandsArrive() throws Exception {
    connect(Map.of());
    long group = -1001234567890L;
    telegram.registerGroup(group, "Team");
    telegram.groupMessage(group, ALICE, "just chatting");
    telegram.groupMessage(group, ALICE, "/status@some_other_bot");
    telegram.groupMessage(group, ALICE, "@switchboard_bot what time is it?");
    assertThat(next().text()).isEqualTo("what time is it?");
    telegram.groupMessage(group, ALICE, "/status@switchboard_bot");
    InboundMessage command = next();
    assertThat(command.text()).isEqualTo("/status");
    assertThat(command.group()).isTrue();
    assertThat(received.poll(500, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void everyGroupMessageArrivesWithGroupTriggerAll() throws Exception {
    connect(Map.of(TelegramSettings.GROUP_TRIGGER, TelegramSettings.GroupTrigger.ALL));
    long group = -1001234567891L;
    telegram.registerGroup(group, "Team");
    telegram.groupMessage(group, ALICE, "just chatting");
    assertThat(next().text()).isEqualTo("just chatting");
  }

  @Test
  void forumTopicsAreCarriedThroughToReplies() throws Exception {
    connect(Map.of(TelegramSettings.GROUP_TRIGGER, TelegramSettings.GroupTrigger.ALL));
    long forum = -1009876543210L;
    telegram.registerGroup(forum, "Forum");
    telegram.registerTopic(forum, 42, "Ideas");
    telegram.topicMessage(forum, 42, ALICE, "in a topic");
    InboundMessage m = next();
    assertThat(m.chat().threadId()).isEqualTo("42");
    adapter.send(m.chat(), "answer in the topic");
    BotMessage reply = telegram.awaitMessage(
        forum, b -> b.text().equals("answer in the topic"), Duration.ofSeconds(5));
    assertThat(reply.threadId()).isEqualTo(42);
  }

  @Test
  void repliesAreRenderedAsHtmlAndFallBackToPlainTextWhenRejected() throws Exception {
    connect(Map.of());
    telegram.registerPrivateChat(ALICE);
    ChatRef chat = ChatRef.of("telegram", Long.toString(ALICE));
    List<String> parts = adapter.render("**bold** and <angle> & `code`");
    assertThat(parts).hasSize(1);
    adapter.send(chat, parts.getFirst());
    assertThat(telegram.messages(ALICE).getLast().text()).isEqualTo("bold and <angle> & code");

    adapter.send(chat, "<b>never closed");
    assertThat(telegram.messages(ALICE).getLast().text()).isEqualTo("never closed");
  }

  @Test
  void editsThatChangeNothingAreNotErrors() throws Exception {
    connect(Map.of());
    telegram.registerPrivateChat(ALICE);
    ChatRef chat = ChatRef.of("telegram", Long.toString(ALICE));
    MessageRef sent = adapter.send(chat, "same");
    adapter.edit(sent, "same");
    adapter.edit(sent, "changed");
    assertThat(telegram.messages(ALICE).getLast().text()).isEqualTo("changed");
  }

  @Test
  void failuresAreClassifiedForTheDeliveryLayer() throws Exception {
    connect(Map.of());
    telegram.registerPrivateChat(ALICE);
    ChatRef chat = ChatRef.of("telegram", Long.toString(ALICE));

    telegram.failNext("sendMessage", 1, 429, "Too Many Requests: retry after 3", 3);
    assertThatThrownBy(() -> adapter.send(chat, "x"))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.RATE_LIMITED);
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        });
    telegram.failNext("sendMessage", 1, 502, "Bad Gateway", null);
    assertThatThrownBy(() -> adapter.send(chat, "x"))
        .isInstanceOfSatisfying(
            PlatformException.class,
            e -> assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSIENT));
    telegram.dropConnections("sendMessage", 1);
    assertThatThrownBy(() -> adapter.send(chat, "x"))
        .isInstanceOfSatisfying(
            PlatformException.class,
            e -> assertThat(e.kind()).isEqualTo(PlatformException.Kind.UNKNOWN_OUTCOME));
    telegram.malformedJson("sendMessage", 1);
    assertThatThrownBy(() -> adapter.send(chat, "x"))
        .isInstanceOfSatisfying(
            PlatformException.class,
            e -> assertThat(e.kind()).isEqualTo(PlatformException.Kind.UNKNOWN_OUTCOME));
    assertThatThrownBy(() -> adapter.send(ChatRef.of("telegram", "777"), "x"))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
          assertThat(e.getMessage()).contains("chat not found").doesNotContain(TOKEN);
        });
  }

  @Test
  void aConflictMarksThePlatformDegradedUntilPollingWorksAgain() throws Exception {
    connect(Map.of());
    telegram.conflictFlood(true);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> context.states.contains(PlatformState.DEGRADED));
    assertThat(context.lastError).contains("409 Conflict");
    telegram.conflictFlood(false);
    telegram.registerUser(ALICE, "Alice", null, "alice");
    telegram.privateMessage(ALICE, "still there?");
    assertThat(next().text()).isEqualTo("still there?");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> context.states.getLast() == PlatformState.CONNECTED);
  }

  @Test
  void itIsConnectedOnlyOnceAPollSucceeded() throws Exception {
    telegram.conflictFlood(true); // another instance polls from the start
    connect(Map.of());
    assertThat(context.states).startsWith(PlatformState.CONNECTING);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> context.states.contains(PlatformState.DEGRADED));
    assertThat(context.states).doesNotContain(PlatformState.CONNECTED);
    telegram.conflictFlood(false);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> context.states.getLast() == PlatformState.CONNECTED);
  }

  @Test
  void aRejectedTokenFailsTheConnect() {
    FakeTelegramServer other =
        FakeTelegramServer.start("999:ZZZZZZZZZZZZZZZZZZZZZZZZZZ", "other_bot");
    try {
      Config config = Config.defaults(ConfigSchema.of(TelegramSettings.keys()))
          .with(Map.of(
              TelegramSettings.TOKEN, TOKEN, TelegramSettings.API_BASE_URL, other.baseUrl()));
      TelegramAdapter wrong = new TelegramAdapter(TelegramSettings.from(config));
      assertThatThrownBy(() -> wrong.connect(received::put, context))
          .isInstanceOfSatisfying(PlatformException.class, e -> {
            assertThat(e.getMessage()).contains("Unauthorized").doesNotContain(TOKEN);
            assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
          });
    } finally {
      other.close();
    }
  }

  @Test
  void webhookModeTakesUpdatesWithTheSecretAndRefusesOthers() throws Exception {
    int port = freePort();
    connect(Map.of(
        TelegramSettings.MODE,
        TelegramSettings.Mode.WEBHOOK,
        TelegramSettings.WEBHOOK_URL,
        "http://127.0.0.1:" + port + "/tg/hook",
        TelegramSettings.WEBHOOK_SECRET,
        WEBHOOK_SECRET,
        TelegramSettings.WEBHOOK_LISTEN,
        "127.0.0.1:" + port));
    telegram.registerUser(ALICE, "Alice", null, "alice");
    telegram.privateMessage(ALICE, "via webhook");
    assertThat(next().text()).isEqualTo("via webhook");

    HttpResponse<String> forged = HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tg/hook"))
                .header(WebhookReceiver.SECRET_HEADER, "guess")
                .POST(HttpRequest.BodyPublishers.ofString("{\"update_id\":1,\"message\":{}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(401);

    String huge = "{\"update_id\":2,\"message\":{\"text\":\"" + "x".repeat(1 << 20) + "\"}}";
    HttpResponse<String> oversized = HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tg/hook"))
                .header(WebhookReceiver.SECRET_HEADER, WEBHOOK_SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(huge))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(oversized.statusCode()).isEqualTo(413);
    assertThat(received.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** What the gateway would give the adapter, recording what the adapter reports. */
  private static final class TestContext implements PlatformContext {
    final List<Thread> threads = new CopyOnWriteArrayList<>();
    final List<PlatformState> states = new CopyOnWriteArrayList<>();
    final Map<String, String> cursors = new ConcurrentHashMap<>();
    volatile String lastError;
    final List<String> claimed = new CopyOnWriteArrayList<>();

    @Override
    public void spawn(String name, Runnable loop) {
      threads.add(Thread.ofVirtual().name(name).start(loop));
    }

    @Override
    public Heartbeat heartbeat(String loopName, Duration maxSilence) {
      return new Heartbeat(loopName, maxSilence, Ticker.system());
    }

    @Override
    public void reportState(PlatformState state, String error) {
      states.add(state);
      lastError = error;
    }

    @Override
    public void claimCredential(String credential) {
      claimed.add(credential);
    }

    @Override
    public List<CommandInfo> commands() {
      return List.of(
          new CommandInfo("status", "Show the state"),
          new CommandInfo("help", "List the commands"));
    }

    @Override
    public Optional<String> loadCursor(String name) {
      return Optional.ofNullable(cursors.get(name));
    }

    @Override
    public void saveCursor(String name, String value) {
      cursors.put(name, value);
    }
  }
}
