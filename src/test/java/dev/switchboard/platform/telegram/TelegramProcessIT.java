package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.Call;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.StandInSupervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built gateway as a child process, talking to the fake Bot API over loopback HTTP:
 * restart under a supervisor, kill -9 mid-turn, a 409 flood and a 429 storm.
 */
class TelegramProcessIT {
  private static final String TOKEN = "424242:TESTTOKENabcdefghijklmnopqrstuvwxyz";
  private static final long ADMIN = 1001;
  private static final long BOB = 1002;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private Path home;
  private FakeTelegramServer telegram;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
    telegram = FakeTelegramServer.start(TOKEN, "switchboard_test_bot");
    telegram.registerUser(ADMIN, "Ada", "Admin", "ada");
    telegram.registerUser(BOB, "Bob", null, "bob");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeAfter.reversed()) {
      c.close();
    }
    telegram.close();
  }

  private Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    env.put("TELEGRAM_POLL_TIMEOUT", "2s");
    env.put("TELEGRAM_ALLOWED_USERS", ADMIN + "," + BOB);
    env.put("TELEGRAM_ADMIN_USERS", Long.toString(ADMIN));
    env.put("TELEGRAM_GROUP_TRIGGER", "all");
    env.putAll(extra);
    return env;
  }

  private ChildGateway start(Map<String, String> extra) throws Exception {
    ChildGateway gw = ChildGateway.run(home, env(extra));
    closeAfter.add(gw);
    gw.awaitRunning();
    return gw;
  }

  private static long count(List<BotMessage> messages, String text) {
    return messages.stream().filter(m -> m.text().contains(text)).count();
  }

  @Test
  void restartFromATopicUnderASupervisor() throws Exception {
    long forum = -1005550001111L;
    telegram.registerGroup(forum, "Ops");
    telegram.registerTopic(forum, 7, "Gateway");
    // queue: each of bob's messages is answered in turn (interrupt would cancel one for the
    // next, which is right, but not what this test is about).
    StandInSupervisor supervisor = new StandInSupervisor(
        home,
        env(Map.of("SWITCHBOARD_ECHO_WORD_DELAY", "100ms", "SWITCHBOARD_BUSY_POLICY", "queue")),
        Duration.ofSeconds(2));
    closeAfter.add(supervisor);
    ChildGateway first = supervisor.current();
    first.awaitRunning();
    telegram.awaitLongPoll(WAIT);

    // A long turn is running when the restart is asked for; it is finished during the drain,
    // and what bob sends meanwhile is deferred with a word, then answered by the next process.
    String longOne = "one two three four five six seven eight nine ten eleven twelve thirteen"
        + " fourteen fifteen sixteen seventeen eighteen nineteen twenty";
    telegram.privateMessage(BOB, longOne);
    telegram.awaitMessage(BOB, m -> m.text().contains("one"), WAIT);
    long restartUpdate = telegram.topicMessage(forum, 7, ADMIN, "/restart");
    BotMessage restarting =
        telegram.awaitMessage(forum, m -> m.text().startsWith("\u267b Restarting"), WAIT);
    assertThat(restarting.threadId()).isEqualTo(7);
    telegram.privateMessage(BOB, "sent during the drain");
    telegram.awaitMessage(BOB, m -> m.text().contains("I will answer this when it is back"), WAIT);
    await().atMost(WAIT).until(() -> supervisor.exitCodes().contains(75));

    // While nothing polls, Telegram keeps what users send.
    telegram.privateMessage(BOB, "sent while down");
    await().atMost(WAIT).until(() -> supervisor.children().size() == 2);
    ChildGateway second = supervisor.current();
    second.awaitRunning();

    BotMessage back =
        telegram.awaitMessage(forum, m -> m.text().contains("Gateway restarted"), WAIT);
    assertThat(back.threadId()).isEqualTo(7);
    telegram.awaitMessage(BOB, m -> m.text().equals("sent during the drain"), WAIT);
    telegram.awaitMessage(BOB, m -> m.text().equals("sent while down"), WAIT);

    telegram.redeliver(restartUpdate); // Telegram sends the /restart again: nothing happens
    telegram.privateMessage(BOB, "still the same process?");
    telegram.awaitMessage(BOB, m -> m.text().equals("still the same process?"), WAIT);
    assertThat(second.process().isAlive()).isTrue();
    assertThat(supervisor.children()).hasSize(2);
    assertThat(supervisor.exitCodes()).containsExactly(75);

    List<BotMessage> topic = telegram.messages(forum);
    assertThat(count(topic, "Gateway restarted")).isEqualTo(1);
    assertThat(count(topic, "Restarting")).isEqualTo(1);
    List<BotMessage> bob = telegram.messages(BOB);
    assertThat(count(bob, longOne)).isEqualTo(1);
    assertThat(bob.stream().filter(m -> m.text().equals("sent during the drain")))
        .hasSize(1);
    assertThat(bob.stream().filter(m -> m.text().equals("sent while down"))).hasSize(1);
  }

  @Test
  void theHomeChannelHearsHowEachStartWentOnce() throws Exception {
    long forum = -1005550002222L;
    telegram.registerGroup(forum, "Ops");
    telegram.registerTopic(forum, 9, "Gateway");
    ChildGateway first = start(Map.of());
    telegram.awaitLongPoll(WAIT);
    telegram.topicMessage(forum, 9, ADMIN, "/sethome");
    BotMessage set = telegram.awaitMessage(
        forum,
        m -> m.text().contains("This chat is now the home of Switchboard on telegram"),
        WAIT);
    assertThat(set.threadId()).isEqualTo(9);

    first.signal("KILL"); // an unplanned end
    first.awaitExit(Duration.ofSeconds(10));
    ChildGateway second = start(Map.of());
    BotMessage back = telegram.awaitMessage(
        forum, m -> m.text().contains("is back after an unplanned end"), WAIT);
    assertThat(back.threadId()).isEqualTo(9);
    assertThat(back.text())
        .contains("pid " + first.pid() + " died while running")
        .contains(" platform(s) connected");

    second.signal("TERM"); // a planned stop
    assertThat(second.awaitExit(WAIT)).isZero();
    start(Map.of());
    telegram.awaitMessage(forum, m -> m.text().startsWith("\u2705 Switchboard"), WAIT);

    List<BotMessage> topic = telegram.messages(forum);
    assertThat(count(topic, "is back after an unplanned end")).isEqualTo(1);
    assertThat(topic.stream().filter(m -> m.text().startsWith("\u2705 Switchboard")))
        .hasSize(1);
  }

  @Test
  void killDashNineDuringATurnThenRestartAnswersEveryMessageExactlyOnce() throws Exception {
    ChildGateway first = start(Map.of("SWITCHBOARD_ECHO_WORD_DELAY", "300ms"));
    telegram.awaitLongPoll(WAIT);
    String words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
    telegram.privateMessage(BOB, words);
    // A preview is on screen and was edited once: the edit comes only after the gateway
    // recorded the preview as sent, so the kill cannot land between Telegram taking it and
    // the outbox knowing (a kill there is the other, tell-the-user path, not this test's).
    telegram.awaitMessage(
        BOB,
        m -> m.text().startsWith("alpha") && m.text().endsWith("\u2026") && m.editCount() >= 1,
        WAIT);
    first.signal("KILL");
    first.awaitExit(Duration.ofSeconds(10));
    telegram.privateMessage(BOB, "written while it was dead");

    start(Map.of("SWITCHBOARD_ECHO_WORD_DELAY", "10ms"));
    telegram.awaitMessage(BOB, m -> m.text().equals(words), WAIT);
    telegram.awaitMessage(BOB, m -> m.text().equals("written while it was dead"), WAIT);
    List<BotMessage> bob = telegram.messages(BOB);
    assertThat(bob.stream().filter(m -> m.text().equals(words))).hasSize(1);
    assertThat(bob.stream().filter(m -> m.text().equals("written while it was dead")))
        .hasSize(1);
    assertThat(bob.getFirst().text()).contains("cut off by a restart");
  }

  @Test
  void anAnswerWhoseSendAKillCutOffIsSentAgainMarkedNotAskedForAgain() throws Exception {
    // No preview (a minute between edits): the answer goes out as one sendMessage, which
    // Telegram takes while its answer is held, so the kill leaves the send's outcome unknown.
    ChildGateway first = start(Map.of("TELEGRAM_EDIT_INTERVAL", "60s"));
    telegram.awaitLongPoll(WAIT);
    telegram.delay("sendMessage", Duration.ofMinutes(1));
    telegram.privateMessage(BOB, "the question that must be answered");
    telegram.awaitMessage(BOB, m -> m.text().equals("the question that must be answered"), WAIT);
    first.signal("KILL");
    first.awaitExit(Duration.ofSeconds(10));
    telegram.delay("sendMessage", Duration.ZERO);

    start(Map.of("TELEGRAM_EDIT_INTERVAL", "60s"));

    String resent = "\u21bb Resent after a restart\nthe question that must be answered";
    telegram.awaitMessage(BOB, m -> m.text().equals(resent), WAIT);
    List<BotMessage> bob = telegram.messages(BOB);
    assertThat(bob)
        .extracting(BotMessage::text)
        .containsExactly("the question that must be answered", resent);
    assertThat(Files.readString(home.resolve("logs").resolve("gateway.log")))
        .contains("delivering again the answer to");
  }

  @Test
  void aConflictFloodShowsAsDegradedAndClearsWhenItStops() throws Exception {
    ChildGateway gw = start(Map.of());
    telegram.conflictFlood(true);
    await()
        .atMost(WAIT)
        .until(() -> platformState().filter(s -> s.state().equals("degraded")).isPresent());
    assertThat(platformState().orElseThrow().lastError()).contains("409 Conflict");
    ChildGateway.Result status = ChildGateway.cli(Map.of(), "status", "--home", home.toString());
    assertThat(status.output()).contains("telegram:").contains("degraded").contains("409");
    ChildGateway.HttpResult health = gw.get("/health");
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.body()).contains("telegram is degraded: 409 Conflict");
    telegram.conflictFlood(false);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> platformState().filter(s -> s.state().equals("connected")).isPresent());
    assertThat(gw.get("/health").status()).isEqualTo(200);
    telegram.privateMessage(BOB, "back?");
    telegram.awaitMessage(BOB, m -> m.text().equals("back?"), WAIT);
    assertThat(gw.process().isAlive()).isTrue();
  }

  private Optional<GatewayState.PlatformStatus> platformState() {
    return StateFile.read(home).map(s -> s.platforms().get("telegram"));
  }

  @Test
  void aRateLimitStormDeliversEveryReplyOnceAndHonoursRetryAfter() throws Exception {
    telegram.floodControl(1, 20, 5);
    start(Map.of(
        "TELEGRAM_CHAT_MESSAGES_PER_MINUTE",
        "6000",
        "TELEGRAM_GLOBAL_MESSAGES_PER_SECOND",
        "1000",
        "SWITCHBOARD_BUSY_POLICY",
        "queue",
        "TELEGRAM_ALLOWED_USERS",
        "2001,2002,2003,2004,2005"));
    telegram.awaitLongPoll(WAIT);
    List<Long> users = new ArrayList<>();
    for (long u = 2001; u <= 2005; u++) {
      telegram.registerUser(u, "User" + u, null, null);
      users.add(u);
    }
    // The storm: 5 chats, 4 messages each, as fast as the test can send them.
    for (int i = 1; i <= 4; i++) {
      for (long u : users) {
        telegram.privateMessage(u, "msg " + i + " from " + u);
      }
    }
    for (long u : users) {
      for (int i = 1; i <= 4; i++) {
        String text = "msg " + i + " from " + u;
        telegram.awaitMessage(u, m -> m.text().equals(text), Duration.ofSeconds(90));
      }
    }
    List<Call> sends = telegram.calls("sendMessage");
    assertThat(sends.stream().filter(c -> c.httpStatus() == 429)).isNotEmpty();
    for (long u : users) {
      // the four replies, once each, besides the "⏳ Queued" acknowledgements of the queue
      assertThat(telegram.messages(u))
          .filteredOn(m -> !m.text().startsWith("\u23f3"))
          .extracting(m -> m.text())
          .containsExactlyInAnyOrder(
              "msg 1 from " + u, "msg 2 from " + u, "msg 3 from " + u, "msg 4 from " + u);
      // at most one acknowledgement per message that had to wait (the first never waits);
      // two may read the same ("2 messages are ahead") when the queue moved in between
      assertThat(telegram.messages(u))
          .filteredOn(m -> m.text().startsWith("\u23f3"))
          .hasSizeLessThanOrEqualTo(3);
      assertRetryAfterHonoured(sends, u);
    }
  }

  /** After a 429 for a chat, nothing more was sent to that chat before retry_after passed. */
  private static void assertRetryAfterHonoured(List<Call> sends, long chat) {
    Instant blockedUntil = Instant.EPOCH;
    for (Call c : sends) {
      if (c.params().path("chat_id").asLong() != chat) {
        continue;
      }
      assertThat(c.arrivedAt())
          .as("send to %d at %s", chat, c.arrivedAt())
          .isAfterOrEqualTo(blockedUntil.minusMillis(50));
      if (c.httpStatus() == 429) {
        blockedUntil = c.arrivedAt().plusSeconds(1); // the fake answers retry_after >= 1
      }
    }
  }

  @Test
  void strangersGetOnlyAPairingCodeUntilApproved() throws Exception {
    Map<String, String> onlyAdmins = env(Map.of());
    onlyAdmins.remove("TELEGRAM_ALLOWED_USERS");
    ChildGateway gw = ChildGateway.run(home, onlyAdmins);
    closeAfter.add(gw);
    gw.awaitRunning();
    long stranger = 3001;
    telegram.registerUser(stranger, "Stranger", null, null);
    telegram.privateMessage(stranger, "hello agent");
    BotMessage code = telegram.awaitMessage(
        stranger, m -> m.text().contains("switchboard pairing approve telegram"), WAIT);
    String pairing = code.text().replaceAll("(?s).*approve telegram ([A-Z0-9]{8}).*", "$1");
    ChildGateway.Result approve = ChildGateway.cli(
        Map.of(), "pairing", "approve", "--home", home.toString(), "telegram", pairing);
    assertThat(approve.exitCode()).as(approve.output()).isZero();
    ChildGateway.Result again = ChildGateway.cli(
        Map.of(), "pairing", "approve", "--home", home.toString(), "telegram", pairing);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.output()).contains("already used");
    telegram.privateMessage(stranger, "now?");
    telegram.awaitMessage(stranger, m -> m.text().equals("now?"), WAIT);
    assertThat(telegram.messages(stranger).stream().noneMatch(m -> m.text().equals("hello agent")))
        .isTrue();

    ChildGateway.Result revoke = ChildGateway.cli(
        Map.of(),
        "pairing",
        "revoke",
        "--home",
        home.toString(),
        "telegram",
        Long.toString(stranger));
    assertThat(revoke.exitCode()).isZero();
    telegram.privateMessage(stranger, "still there?");
    await().atMost(WAIT).until(() -> telegram.calls("sendMessage").size() > 0);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() ->
            telegram.messages(stranger).stream().noneMatch(m -> m.text().equals("still there?")));
  }

  @Test
  void aSecondGatewayWithTheSameBotTokenRefusesTelegramAndNamesTheFirst() throws Exception {
    Path runtimeDir = Files.createDirectories(dir.resolve("runtime"));
    ChildGateway first = start(Map.of("XDG_RUNTIME_DIR", runtimeDir.toString()));
    telegram.awaitLongPoll(WAIT);
    Path otherHome = Files.createDirectories(dir.resolve("other-home"));
    ChildGateway second =
        ChildGateway.run(otherHome, env(Map.of("XDG_RUNTIME_DIR", runtimeDir.toString())));
    closeAfter.add(second);
    second.awaitRunning();
    GatewayState.PlatformStatus refused = await()
        .atMost(WAIT)
        .until(
            () -> StateFile.read(otherHome)
                .map(s -> s.platforms().get("telegram"))
                .orElse(null),
            s -> s != null && s.state().equals("failed"));
    assertThat(refused.lastError())
        .contains("already connected with this telegram credential")
        .contains("pid " + first.pid())
        .doesNotContain(TOKEN)
        .doesNotContain(TOKEN.substring(TOKEN.indexOf(':') + 1));
    assertThat(second.output()).doesNotContain(TOKEN.substring(TOKEN.indexOf(':') + 1));
    // The first gateway kept the bot: its updates are still answered, once.
    telegram.privateMessage(BOB, "who answers?");
    telegram.awaitMessage(BOB, m -> m.text().equals("who answers?"), WAIT);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> telegram.messages(BOB).size() == 1);

    // Once the first has stopped, the bot is free again.
    first.signal("TERM");
    assertThat(first.awaitExit(WAIT)).isZero();
    second.signal("TERM");
    assertThat(second.awaitExit(WAIT)).isZero();
    ChildGateway third =
        ChildGateway.run(otherHome, env(Map.of("XDG_RUNTIME_DIR", runtimeDir.toString())));
    closeAfter.add(third);
    third.awaitRunning();
    await()
        .atMost(WAIT)
        .until(() -> StateFile.read(otherHome)
            .map(s -> s.platforms().get("telegram"))
            .filter(s -> s.state().equals("connected"))
            .isPresent());
  }
}
