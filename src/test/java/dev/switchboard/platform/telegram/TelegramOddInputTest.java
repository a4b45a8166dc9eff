package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.testing.CannedHttpServer;
import dev.switchboard.testing.StubPlatformContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Odd updates and answers that {@link TelegramFuzzTest} found to throw, one by one. */
class TelegramOddInputTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final UpdateParser PARSER = new UpdateParser(
      new BotIdentity(7, "switchboard_bot"), TelegramSettings.GroupTrigger.MENTION);

  private static String update(String messageFields) {
    return "{\"update_id\": 5, \"message\": {\"message_id\": 10, \"date\": 1700000000,"
        + " \"from\": {\"id\": 42, \"first_name\": \"Ann\"}, " + messageFields + "}}";
  }

  @Test
  void aChatIdThatIsAnArrayIsNoMessageRatherThanAnException() {
    assertThat(PARSER.parse(JSON.readTree(
            update("\"text\": \"hi\", \"chat\": {\"id\": [42], \"type\": \"private\"}"))))
        .isEmpty();
  }

  @Test
  void entitiesWithNegativeOffsetsOrLengthsAreIgnored() {
    String chat = "\"chat\": {\"id\": -5, \"type\": \"group\"}";

    assertThat(PARSER.parse(JSON.readTree(update("\"text\": \"@switchboard_bot hi\", " + chat
            + ", \"entities\": [{\"type\": \"mention\", \"offset\": -1, \"length\": 5}]"))))
        .isEmpty();
    assertThat(PARSER.parse(JSON.readTree(update("\"text\": \"/status hi\", " + chat
            + ", \"entities\": [{\"type\": \"bot_command\", \"offset\": 0, \"length\": -3}]"))))
        .hasValueSatisfying(m -> assertThat(m.text()).isEqualTo("/status hi"));
  }

  @Test
  void aDateBeyondTheYear9999ReadsAsTheEpoch() {
    assertThat(PARSER.parse(
            JSON.readTree(update("\"text\": \"hi\", \"chat\": {\"id\": 42, \"type\": \"private\"}")
                .replace("1700000000", "9223372036854775807"))))
        .hasValueSatisfying(m -> assertThat(m.receivedAt()).isEqualTo(Instant.EPOCH));
  }

  @Test
  void anOddUpdateIsPassedOverAndTheNextOneIsTaken() throws Exception {
    try (CannedHttpServer server = CannedHttpServer.start()) {
      String odd = update("\"text\": \"hi\", \"chat\": {\"id\": {}, \"type\": \"private\"}");
      String good = update("\"text\": \"hello\", \"chat\": {\"id\": 42, \"type\": \"private\"}")
          .replace("\"update_id\": 5", "\"update_id\": 6");
      server.answer(new CannedHttpServer.Answer(
          200,
          Map.of(),
          ("{\"ok\": true, \"result\": [" + odd + ", " + good + "]}")
              .getBytes(StandardCharsets.UTF_8)));
      List<InboundMessage> taken = new CopyOnWriteArrayList<>();
      StubPlatformContext context = new StubPlatformContext();
      try (TelegramApi api = new TelegramApi(server.uri(), "1:" + "A".repeat(30))) {
        new LongPoller(
                api,
                PARSER,
                taken::add,
                context,
                Duration.ofSeconds(1),
                RandomGenerator.of("L64X128MixRandom"))
            .run(new TelegramFuzzTest.QuietLink());
      }

      assertThat(taken).extracting(InboundMessage::text).containsExactly("hello");
      assertThat(context.loadCursor(LongPoller.CURSOR)).contains("7");
    }
  }

  @Test
  void aRetryAfterThatIsNotANumberIsAnApiErrorWithoutAWait() throws Exception {
    try (CannedHttpServer server = CannedHttpServer.start();
        TelegramApi api = new TelegramApi(server.uri(), "1:" + "A".repeat(30))) {
      for (String retryAfter : new String[] {"{}", "\"soon\"", "true"}) {
        server.answer(new CannedHttpServer.Answer(
            429,
            Map.of(),
            ("{\"ok\": false, \"error_code\": 429, \"description\": \"Too Many Requests\","
                    + " \"parameters\": {\"retry_after\": " + retryAfter + "}}")
                .getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> api.call("sendMessage", api.params(), Duration.ofSeconds(10)))
            .isInstanceOfSatisfying(TelegramApiException.class, e -> {
              assertThat(e.errorCode()).isEqualTo(429);
              assertThat(e.retryAfter()).isZero();
            });
      }
      server.answer(new CannedHttpServer.Answer(
          429,
          Map.of(),
          "{\"ok\": false, \"error_code\": 429, \"parameters\": {\"retry_after\": 9223372036854775807}}"
              .getBytes(StandardCharsets.UTF_8)));
      assertThatThrownBy(() -> api.call("sendMessage", api.params(), Duration.ofSeconds(10)))
          .isInstanceOfSatisfying(
              TelegramApiException.class,
              e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofDays(1)));
    }
  }

  @Test
  void a413PageFromTheProxyIsAnErrorNotAnUnknownOutcome() throws Exception {
    try (CannedHttpServer server = CannedHttpServer.start();
        TelegramApi api = new TelegramApi(server.uri(), "1:" + "A".repeat(30))) {
      server.answer(new CannedHttpServer.Answer(
          413,
          Map.of("Content-Type", "text/html"),
          "<html><head><title>413 Request Entity Too Large</title></head></html>"
              .getBytes(StandardCharsets.UTF_8)));

      assertThatThrownBy(() -> api.call("sendDocument", api.params(), Duration.ofSeconds(10)))
          .isInstanceOfSatisfying(TelegramApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(TelegramApiException.Kind.API_ERROR);
            assertThat(e.errorCode()).isEqualTo(413);
            assertThat(e.classified(true).kind()).isEqualTo(PlatformException.Kind.FATAL);
          });
    }
  }
}
