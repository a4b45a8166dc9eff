package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.discord.GatewayProtocol.Action;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class GatewayProtocolTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TOKEN = "MTIz.secret.token";

  /** nextDouble() = 0.5, nextLong(n) = n - 1: deterministic jitter. */
  private static final RandomGenerator HALF = new RandomGenerator() {
    @Override
    public long nextLong() {
      return 0;
    }

    @Override
    public double nextDouble() {
      return 0.5;
    }

    @Override
    public long nextLong(long bound) {
      return bound - 1;
    }
  };

  private final GatewayProtocol protocol =
      new GatewayProtocol(TOKEN, 37377, HALF, Duration.ofSeconds(1), Duration.ofSeconds(5));

  private static JsonNode sent(List<Action> actions, int index) {
    return JSON.readTree(((Action.Send) actions.get(index)).payload());
  }

  private List<Action> connectAndBeReady() {
    protocol.opened();
    protocol.onPayload("{\"op\":10,\"d\":{\"heartbeat_interval\":41250}}");
    return protocol.onPayload("{\"op\":0,\"s\":1,\"t\":\"READY\",\"d\":{\"session_id\":\"abc\","
        + "\"resume_gateway_url\":\"wss://resume.example\",\"user\":{\"id\":\"42\","
        + "\"username\":\"bot\"}}}");
  }

  @Test
  void helloStartsJitteredHeartbeatsAndIdentifiesWithTheIntents() {
    protocol.opened();
    List<Action> a = protocol.onPayload("{\"op\":10,\"d\":{\"heartbeat_interval\":41250}}");
    assertThat(a.getFirst())
        .isEqualTo(
            new Action.StartHeartbeats(Duration.ofMillis(20_625), Duration.ofMillis(41_250)));
    JsonNode identify = sent(a, 1);
    assertThat(identify.path("op").asInt()).isEqualTo(2);
    assertThat(identify.path("d").path("token").asString()).isEqualTo(TOKEN);
    assertThat(identify.path("d").path("intents").asInt()).isEqualTo(37377);
    assertThat(identify.path("d").path("properties").path("browser").asString())
        .isEqualTo("switchboard");
  }

  @Test
  void readyKeepsTheSessionAndHeartbeatsCarryTheLastSequence() {
    assertThat(connectAndBeReady()).containsExactly(new Action.Ready("42", "bot"));
    assertThat(protocol.canResume()).isTrue();
    assertThat(protocol.resumeUrl()).hasToString("wss://resume.example");
    protocol.onPayload("{\"op\":0,\"s\":7,\"t\":\"MESSAGE_CREATE\",\"d\":{\"id\":\"1\"}}");
    assertThat(sent(protocol.heartbeatDue(), 0).path("d").asLong())
        .as("not delivered yet: still READY's number")
        .isEqualTo(1);
    protocol.onPayload("{\"op\":11}");
    protocol.delivered(7);
    JsonNode beat = sent(protocol.heartbeatDue(), 0);
    assertThat(beat.path("op").asInt()).isEqualTo(1);
    assertThat(beat.path("d").asLong()).isEqualTo(7);
  }

  @Test
  void theFirstHeartbeatBeforeAnySequenceCarriesNull() {
    protocol.opened();
    assertThat(sent(protocol.heartbeatDue(), 0).path("d").isNull()).isTrue();
  }

  @Test
  void aHeartbeatDueWithoutAnAckForThePreviousOneIsAZombieConnection() {
    connectAndBeReady();
    protocol.heartbeatDue();
    protocol.onPayload("{\"op\":11}");
    assertThat(protocol.heartbeatDue().getFirst()).isInstanceOf(Action.Send.class);
    Action zombie = protocol.heartbeatDue().getFirst(); // no ACK for the last one
    assertThat(zombie).isInstanceOfSatisfying(Action.Reconnect.class, r -> {
      assertThat(r.resume()).isTrue();
      assertThat(r.closeCode()).isNotIn(1000, 1001); // those would end the session
      assertThat(r.why()).contains("zombie");
    });
  }

  @Test
  void theGatewayMayAskForAHeartbeatAtOnce() {
    connectAndBeReady();
    assertThat(sent(protocol.onPayload("{\"op\":1,\"d\":null}"), 0).path("op").asInt())
        .isEqualTo(1);
  }

  @Test
  void aReconnectResumesWithSessionAndSequence() {
    connectAndBeReady();
    protocol.onPayload("{\"op\":0,\"s\":5,\"t\":\"MESSAGE_CREATE\",\"d\":{}}");
    protocol.delivered(5);
    Action r = protocol.onPayload("{\"op\":7,\"d\":null}").getFirst();
    assertThat(r)
        .isInstanceOfSatisfying(
            Action.Reconnect.class, x -> assertThat(x.resume()).isTrue());
    protocol.opened();
    JsonNode resume =
        sent(protocol.onPayload("{\"op\":10,\"d\":{\"heartbeat_interval\":1000}}"), 1);
    assertThat(resume.path("op").asInt()).isEqualTo(6);
    assertThat(resume.path("d").path("session_id").asString()).isEqualTo("abc");
    assertThat(resume.path("d").path("seq").asLong()).isEqualTo(5);
    assertThat(resume.path("d").path("token").asString()).isEqualTo(TOKEN);
    assertThat(protocol.onPayload("{\"op\":0,\"s\":6,\"t\":\"RESUMED\",\"d\":{}}"))
        .containsExactly(new Action.Resumed());
  }

  @Test
  void aNonResumableInvalidSessionWaitsOneToFiveSecondsThenIdentifiesAnew() {
    connectAndBeReady();
    Action r = protocol.onPayload("{\"op\":9,\"d\":false}").getFirst();
    assertThat(r).isInstanceOfSatisfying(Action.Reconnect.class, x -> {
      assertThat(x.resume()).isFalse();
      assertThat(x.delay()).isEqualTo(Duration.ofSeconds(5));
    });
    assertThat(protocol.canResume()).isFalse();
    protocol.opened();
    assertThat(sent(protocol.onPayload("{\"op\":10,\"d\":{\"heartbeat_interval\":1000}}"), 1)
            .path("op")
            .asInt())
        .isEqualTo(2);
  }

  @Test
  void aResumableInvalidSessionResumes() {
    connectAndBeReady();
    Action r = protocol.onPayload("{\"op\":9,\"d\":true}").getFirst();
    assertThat(r)
        .isInstanceOfSatisfying(
            Action.Reconnect.class, x -> assertThat(x.resume()).isTrue());
  }

  @Test
  void closeCodesThatCannotBeFixedByReconnectingStopTheAdapter() {
    connectAndBeReady();
    for (int code : List.of(4004, 4010, 4011, 4012, 4013, 4014)) {
      assertThat(protocol.closed(code, "x")).as("code " + code).isInstanceOf(Action.Fail.class);
    }
    assertThat(protocol.closed(4004, "Authentication failed."))
        .isInstanceOfSatisfying(
            Action.Fail.class,
            f -> assertThat(f.why())
                .contains("4004")
                .contains("the bot token is wrong")
                .doesNotContain(TOKEN));
    assertThat(protocol.closed(4014, ""))
        .isInstanceOfSatisfying(
            Action.Fail.class, f -> assertThat(f.why()).contains("Message Content intent"));
  }

  @Test
  void otherClosesResumeAndALostSessionIdentifiesAgain() {
    connectAndBeReady();
    assertThat(protocol.closed(1006, ""))
        .isInstanceOfSatisfying(
            Action.Reconnect.class, r -> assertThat(r.resume()).isTrue());
    assertThat(protocol.closed(4000, "Unknown error"))
        .isInstanceOfSatisfying(
            Action.Reconnect.class, r -> assertThat(r.resume()).isTrue());
    assertThat(protocol.closed(4008, "Rate limited."))
        .isInstanceOfSatisfying(
            Action.Reconnect.class, r -> assertThat(r.resume()).isTrue());
    for (int code : List.of(4001, 4003, 4005, 4007, 4009)) {
      connectAndBeReady();
      assertThat(protocol.closed(code, ""))
          .as("code " + code)
          .isInstanceOfSatisfying(
              Action.Reconnect.class, r -> assertThat(r.resume()).isFalse());
      assertThat(protocol.canResume()).isFalse();
    }
  }

  @Test
  void dispatchesOtherThanReadyAndResumedGoToTheAdapter() {
    connectAndBeReady();
    List<Action> a = protocol.onPayload(
        "{\"op\":0,\"s\":2,\"t\":\"MESSAGE_CREATE\"," + "\"d\":{\"content\":\"hi\"}}");
    assertThat(a).singleElement().isInstanceOfSatisfying(Action.Deliver.class, d -> {
      assertThat(d.seq()).isEqualTo(2);
      assertThat(d.type()).isEqualTo("MESSAGE_CREATE");
      assertThat(d.data().path("content").asString()).isEqualTo("hi");
    });
    assertThat(protocol.sequence()).as("counted once delivered").isEqualTo(1);
    protocol.delivered(2);
    assertThat(protocol.sequence()).isEqualTo(2);
  }

  @Test
  void aSavedSessionIsResumedByTheNextProcess() {
    connectAndBeReady();
    protocol.onPayload("{\"op\":0,\"s\":9,\"t\":\"MESSAGE_CREATE\",\"d\":{}}");
    protocol.delivered(9);
    String saved = protocol.saved().orElseThrow();
    assertThat(saved).doesNotContain(TOKEN);
    GatewayProtocol next =
        new GatewayProtocol(TOKEN, 37377, HALF, Duration.ofSeconds(1), Duration.ofSeconds(5));
    next.restore(saved);
    assertThat(next.canResume()).isTrue();
    next.opened();
    JsonNode resume = sent(next.onPayload("{\"op\":10,\"d\":{\"heartbeat_interval\":1000}}"), 1);
    assertThat(resume.path("op").asInt()).isEqualTo(6);
    assertThat(resume.path("d").path("seq").asLong()).isEqualTo(9);
    next.restore("{garbage");
    assertThat(next.canResume()).isTrue(); // unchanged by an unreadable cursor
  }

  @Test
  void anUnreadablePayloadDropsTheConnectionButKeepsTheSession() {
    connectAndBeReady();
    assertThat(protocol.onPayload("{not json").getFirst())
        .isInstanceOfSatisfying(
            Action.Reconnect.class, r -> assertThat(r.resume()).isTrue());
  }
}
