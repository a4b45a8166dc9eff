package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.discord.GatewayProtocol.Action;
import dev.switchboard.testing.CannedHttpServer;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Odd payloads and answers that {@link DiscordFuzzTest} found to throw, one by one. */
class DiscordOddInputTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static GatewayProtocol protocol() {
    return new GatewayProtocol(
        "t",
        DiscordIntents.DEFAULT,
        new SplittableRandom(1),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5));
  }

  @Test
  void aSequenceNumberThatIsNotANumberCountsAsNone() {
    GatewayProtocol p = protocol();

    assertThat(p.onPayload("{\"op\":0,\"s\":true,\"t\":\"MESSAGE_CREATE\",\"d\":{}}"))
        .singleElement()
        .isInstanceOfSatisfying(Action.Deliver.class, d -> assertThat(d.seq()).isEqualTo(-1));
    assertThat(p.onPayload("{\"op\":0,\"s\":1e999,\"t\":\"READY\",\"d\":{}}")).hasSize(1);
    assertThat(p.sequence()).isNull();
  }

  @Test
  void aResumeUrlThatIsNoUrlMeansIdentifyingAnewNotAnException() {
    GatewayProtocol p = protocol();

    assertThat(p.onPayload("{\"op\":0,\"s\":1,\"t\":\"READY\",\"d\":{\"session_id\":\"s\","
            + "\"resume_gateway_url\":\"wss://a b\",\"user\":{\"id\":[1],\"username\":{}}}}"))
        .singleElement()
        .isEqualTo(new Action.Ready("", ""));
    assertThat(p.canResume()).isFalse();
    p.restore("{\"session_id\":\"s\",\"resume_gateway_url\":\"::\",\"seq\":\"x\"}");
    assertThat(p.canResume()).isFalse();
  }

  @Test
  void aMentionWhoseIdIsAnArrayIsNoMentionRatherThanAnException() {
    assertThat(new InboundMessages(Set.of())
            .from(
                JSON.readTree(
                    "{\"id\":\"1\",\"channel_id\":\"5\",\"guild_id\":\"7\","
                        + "\"content\":\"hi\",\"author\":{\"id\":\"42\"},\"mentions\":[{\"id\":[\"900\"]}]}"),
                "900",
                Instant.EPOCH))
        .isEmpty();
  }

  @Test
  void anErrorBodyOfOddTypesAndAHugeRetryAfterAreStillPlatformExceptions() throws Exception {
    AtomicLong now = new AtomicLong();
    Sleeper sleeper = d -> now.addAndGet(d.toNanos());
    Ticker ticker = now::get;
    try (CannedHttpServer server = CannedHttpServer.start()) {
      DiscordRest rest = new DiscordRest(
          HttpClient.newHttpClient(), server.uri(), "t", "test", new RateLimits(ticker), sleeper);
      server.answer(new CannedHttpServer.Answer(
          400, Map.of(), "{\"code\":[1],\"message\":{}}".getBytes(StandardCharsets.UTF_8)));
      assertThatThrownBy(() -> rest.call("GET", "GET /x", "1", "/x", null, Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              PlatformException.class,
              e -> assertThat(e.getMessage()).isEqualTo("GET /x: HTTP 400 (? ?)"));

      server.answer(new CannedHttpServer.Answer(
          429,
          Map.of(),
          "{\"message\":\"slow down\",\"retry_after\":1e300}".getBytes(StandardCharsets.UTF_8)));
      assertThatThrownBy(() -> rest.call("GET", "GET /y", "1", "/y", null, Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              PlatformException.class,
              e -> assertThat(e.kind()).isEqualTo(PlatformException.Kind.RATE_LIMITED));
    }
  }
}
