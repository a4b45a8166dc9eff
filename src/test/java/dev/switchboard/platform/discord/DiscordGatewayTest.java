package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.Backoff;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.platform.ReconnectingLoop;
import dev.switchboard.platform.discord.fake.FakeDiscordServer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The gateway client over the JDK's WebSocket against the fake Discord gateway on loopback. */
class DiscordGatewayTest {
  private static final String TOKEN = "MTA5.fake-discord-token.abc";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private FakeDiscordServer discord;
  private HttpClient http;
  private ReconnectingLoop loop;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<String> contents = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    discord = new FakeDiscordServer(TOKEN);
    discord.heartbeatInterval(150);
    http = HttpClient.newBuilder()
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (loop != null) {
      loop.stop();
    }
    http.close();
    discord.close();
  }

  private void start(String token) {
    GatewayProtocol protocol = new GatewayProtocol(
        token,
        DiscordIntents.DEFAULT,
        ThreadLocalRandom.current(),
        Duration.ofMillis(10),
        Duration.ofMillis(50));
    DiscordGateway gateway = new DiscordGateway(
        http,
        protocol,
        link -> discord.gatewayUrl(),
        new DiscordGateway.Listener() {
          @Override
          public void ready(String botUserId, String botName) {
            events.add(botUserId == null ? "resumed" : "ready " + botUserId);
          }

          @Override
          public boolean dispatch(String type, JsonNode data) {
            if (type.equals("MESSAGE_CREATE")) {
              contents.add(data.path("content").asString());
            }
            return true;
          }
        },
        Sleeper.SYSTEM);
    loop = new ReconnectingLoop(
        gateway,
        Backoff.equalJitter(
            Duration.ofMillis(50), Duration.ofSeconds(60), ThreadLocalRandom.current()),
        new Heartbeat("gateway", Duration.ofMinutes(3), Ticker.system()),
        (state, why) -> {
          if (state == PlatformState.CONNECTING) {
            events.add("reconnecting: " + why);
          } else if (state == PlatformState.FAILED) {
            failures.add(why);
          }
        },
        Sleeper.SYSTEM);
    Thread.ofVirtual().name("discord-gateway").start(loop::run);
  }

  private void awaitReady() {
    await().atMost(WAIT).until(() -> discord.connected() && !events.isEmpty());
  }

  @Test
  void identifiesWithItsIntentsHeartbeatsAndDeliversMessages() {
    start(TOKEN);
    awaitReady();
    assertThat(events.getFirst()).isEqualTo("ready " + FakeDiscordServer.BOT_ID);
    assertThat(discord.identifyIntents()).containsExactly(DiscordIntents.DEFAULT);
    discord.messageCreate("c1", null, "u1", "ada", "hello from a DM");
    await().atMost(WAIT).until(() -> contents.contains("hello from a DM"));
    await().atMost(WAIT).until(() -> discord.heartbeats() >= 3);
    assertThat(discord.identifies()).isEqualTo(1);
    assertThat(discord.resumes()).isZero();
  }

  @Test
  void aZombieConnectionIsClosedAndResumedAndNothingIsLostOrRepeated() {
    start(TOKEN);
    awaitReady();
    discord.messageCreate("c1", null, "u1", "ada", "one");
    await().atMost(WAIT).until(() -> contents.contains("one"));
    discord.zombifyCurrentConnection();
    await()
        .atMost(WAIT)
        .until(() -> discord.closesFromClient().stream()
            .anyMatch(c -> c.startsWith(Integer.toString(GatewayProtocol.CLOSE_KEEP_SESSION))));
    await().atMost(WAIT).until(() -> events.contains("resumed"));
    discord.messageCreate("c1", null, "u1", "ada", "two");
    await().atMost(WAIT).until(() -> contents.contains("two"));
    assertThat(contents).containsExactly("one", "two");
    assertThat(discord.identifies()).isEqualTo(1);
    assertThat(discord.resumes()).isEqualTo(1);
    assertThat(events).anyMatch(e -> e.contains("zombie"));
  }

  @Test
  void aDroppedConnectionResumesAndReplaysWhatWasSentMeanwhile() {
    start(TOKEN);
    awaitReady();
    discord.messageCreate("c1", null, "u1", "ada", "before");
    await().atMost(WAIT).until(() -> contents.contains("before"));
    discord.dropConnection();
    discord.messageCreate("c1", null, "u1", "ada", "while away"); // kept for the replay
    await().atMost(WAIT).until(() -> events.contains("resumed"));
    await().atMost(WAIT).until(() -> contents.contains("while away"));
    assertThat(contents).containsExactly("before", "while away");
    assertThat(discord.identifies()).isEqualTo(1);
  }

  @Test
  void opSevenReconnectsAndResumes() {
    start(TOKEN);
    awaitReady();
    discord.requestReconnect();
    await().atMost(WAIT).until(() -> discord.resumes() == 1 && events.contains("resumed"));
    assertThat(discord.identifies()).isEqualTo(1);
  }

  @Test
  void aSessionThatCannotBeResumedIsIdentifiedAnew() {
    start(TOKEN);
    awaitReady();
    discord.invalidateSession(false);
    await().atMost(WAIT).until(() -> discord.identifies() == 2);
    await()
        .atMost(WAIT)
        .until(() -> events.stream().filter(e -> e.startsWith("ready")).count() == 2);
    assertThat(discord.resumes()).isZero();
  }

  @Test
  void aWrongTokenStopsForGoodWithoutShowingTheToken() {
    start("MTA5.wrong-token.xyz");
    await().atMost(WAIT).until(() -> !failures.isEmpty());
    assertThat(failures.getFirst())
        .contains("4004")
        .contains("the bot token is wrong")
        .doesNotContain("wrong-token");
    assertThat(discord.connections()).isEqualTo(1);
    assertThat(discord.identifies()).isEqualTo(1);
  }

  @Test
  void closeIsPromptAndKeepsTheSessionForTheNextProcess() {
    start(TOKEN);
    awaitReady();
    long t0 = System.nanoTime();
    loop.stop();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    await()
        .atMost(WAIT)
        .until(() -> discord.closesFromClient().stream()
            .anyMatch(c -> c.startsWith(Integer.toString(GatewayProtocol.CLOSE_KEEP_SESSION))));
    assertThat(discord.connections()).isEqualTo(1);
    loop = null;
  }

  @Test
  void aReconnectStormBacksOffExponentiallyWithJitter() {
    discord.refuseConnections(true);
    start(TOKEN); // backoff base 50 ms: waits of 25-50, 50-100, 100-200, 200-400, ... ms
    await().atMost(WAIT).until(() -> discord.connections() >= 6);
    List<Long> times = discord.connectTimes();
    long fourth = times.get(4) - times.get(3);
    long fifth = times.get(5) - times.get(4);
    assertThat(Duration.ofNanos(fourth)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    assertThat(Duration.ofNanos(fifth)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    discord.refuseConnections(false);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !events.isEmpty() && events.stream().anyMatch(e -> e.startsWith("ready")));
    assertThat(discord.identifies()).isEqualTo(1);
  }
}
