package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.discord.fake.FakeDiscordServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The REST client against the fake Discord API: its buckets, 429s and error shapes. */
class DiscordRestTest {
  private static final String TOKEN = "MTA5.fake-rest-token.abc";
  private static final String CREATE = "POST /channels/{id}/messages";
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private FakeDiscordServer discord;
  private HttpClient http;

  @BeforeEach
  void setUp() throws Exception {
    discord = new FakeDiscordServer(TOKEN);
    http = HttpClient.newBuilder()
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
  }

  @AfterEach
  void tearDown() throws Exception {
    http.close();
    discord.close();
  }

  private DiscordRest rest(String token) {
    return new DiscordRest(
        http, discord.apiBase(), token, "test", new RateLimits(Ticker.system()), Sleeper.SYSTEM);
  }

  private static ObjectNode content(String text) {
    return JSON.createObjectNode().put("content", text);
  }

  private static JsonNode post(DiscordRest rest, String channel, String text) throws Exception {
    return rest.call(
        "POST", CREATE, channel, "/channels/" + channel + "/messages", content(text), DEADLINE);
  }

  @Test
  void aFullBucketIsWaitedOutBeforeSendingSoTheApiNeverSays429() throws Exception {
    discord.messageBucket(2, 400);
    DiscordRest rest = rest(TOKEN);
    long t0 = System.nanoTime();
    for (int i = 1; i <= 5; i++) {
      assertThat(post(rest, "c1", "m" + i).path("content").asString()).isEqualTo("m" + i);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(discord.sent("c1"))
        .extracting(FakeDiscordServer.SentMessage::content)
        .containsExactly("m1", "m2", "m3", "m4", "m5");
    // the first answer taught us the bucket; at most that first window could be overshot
    assertThat(discord.rateLimitedAnswers()).isLessThanOrEqualTo(1);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(800)); // 5 in windows of 2
  }

  @Test
  void bucketsArePerChannel() throws Exception {
    discord.messageBucket(1, 60_000);
    DiscordRest rest = rest(TOKEN);
    post(rest, "c1", "one");
    post(rest, "c2", "two"); // another channel's bucket: not held back by c1's
    assertThat(discord.sent("c2")).hasSize(1);
    assertThat(discord.rateLimitedAnswers()).isZero();
  }

  @Test
  void a429IsRetriedAfterItsRetryAfter() throws Exception {
    discord.messageBucket(1, 300);
    DiscordRest rest = rest(TOKEN);
    post(rest, "c1", "first");
    // a second client's view: a fresh limiter that has not learned the bucket gets the 429
    DiscordRest unaware = rest(TOKEN);
    post(unaware, "c1", "second");
    List<FakeDiscordServer.SentMessage> sent = discord.sent("c1");
    assertThat(sent)
        .extracting(FakeDiscordServer.SentMessage::content)
        .containsExactly("first", "second");
    assertThat(discord.rateLimitedAnswers()).isEqualTo(1);
    assertThat(Duration.ofNanos(sent.get(1).sentAtNanos() - sent.get(0).sentAtNanos()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aGlobal429HoldsBackEveryRoute() throws Exception {
    DiscordRest rest = rest(TOKEN);
    discord.globalRateLimit(1, 0.3);
    long t0 = System.nanoTime();
    post(rest, "c1", "after the global limit");
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(discord.rateLimitedAnswers()).isEqualTo(1);
    assertThat(discord.sent("c1")).hasSize(1);
  }

  @Test
  void aRateLimitBeyondTheDeadlineFailsAsRateLimitedWithoutSending() throws Exception {
    discord.messageBucket(1, 60_000);
    DiscordRest rest = rest(TOKEN);
    post(rest, "c1", "one");
    assertThatThrownBy(() -> rest.call(
            "POST", CREATE, "c1", "/channels/c1/messages", content("two"), Duration.ofSeconds(1)))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.RATE_LIMITED);
          assertThat(e.retryAfter()).isGreaterThan(Duration.ofSeconds(50));
        });
    assertThat(discord.sent("c1")).hasSize(1);
  }

  @Test
  void editsTypingAndErrorsFollowDiscordsShapes() throws Exception {
    DiscordRest rest = rest(TOKEN);
    String id = post(rest, "c1", "draft").path("id").asString();
    rest.call(
        "PATCH",
        "PATCH /channels/{id}/messages/{id}",
        "c1",
        "/channels/c1/messages/" + id,
        content("final"),
        DEADLINE);
    assertThat(discord.sent("c1").getFirst().content()).isEqualTo("final");
    assertThat(rest.call(
                "POST", "POST /channels/{id}/typing", "c1", "/channels/c1/typing", null, DEADLINE)
            .isMissingNode())
        .isTrue();
    assertThat(discord.typingCalls()).isEqualTo(1);

    assertThatThrownBy(() -> post(rest, "c1", "x".repeat(2001)))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.REFUSED);
          assertThat(e.getMessage()).contains("HTTP 400 (50035 Invalid Form Body)");
          assertThat(e.reason())
              .isEqualTo("Invalid Form Body: content: Must be 2000 or fewer in length.");
        });
    assertThatThrownBy(() -> rest.call(
            "PATCH",
            "PATCH /channels/{id}/messages/{id}",
            "c1",
            "/channels/c1/messages/404",
            content("y"),
            DEADLINE))
        .hasMessageContaining("HTTP 404 (10008 Unknown Message)");
  }

  @Test
  void aWrongTokenIsFatalAndNeverShown() {
    DiscordRest rest = rest("MTA5.wrong-token.xyz");
    assertThatThrownBy(() -> post(rest, "c1", "hi"))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
          assertThat(e.getMessage())
              .contains("HTTP 401 (0 401: Unauthorized)")
              .doesNotContain("wrong-token");
        });
  }

  @Test
  void aRefusedConnectionIsTransientAndNamesNoToken() throws Exception {
    DiscordRest rest = new DiscordRest(
        http,
        URI.create("http://127.0.0.1:9/api/v10"),
        TOKEN,
        "test",
        new RateLimits(Ticker.system()),
        Sleeper.SYSTEM);
    assertThatThrownBy(() -> post(rest, "c1", "hi"))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSIENT);
          assertThat(e.getMessage()).doesNotContain(TOKEN);
        });
  }
}
