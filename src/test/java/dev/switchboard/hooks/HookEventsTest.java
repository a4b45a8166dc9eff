package dev.switchboard.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HookEventsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC);
  private static final EventChat CHAT =
      new EventChat("telegram", "-100", "7", "42", "telegram:-100/7@42");

  private final List<EventSink.Pending> sent = new ArrayList<>();
  private final Set<EventKind> unwanted = EnumSet.noneOf(EventKind.class);
  private final EventSink sink = new EventSink() {
    @Override
    public boolean wanted(EventKind kind) {
      return !unwanted.contains(kind);
    }

    @Override
    public boolean offer(Pending event) {
      sent.add(event);
      return true;
    }

    @Override
    public void close(Duration grace) {}
  };

  private JsonNode only(EventKind kind) {
    assertThat(sent).hasSize(1);
    EventSink.Pending p = sent.getFirst();
    assertThat(p.kind()).isEqualTo(kind);
    assertThat(p.json()).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);
    JsonNode n = JSON.readTree(p.json());
    assertThat(n.path("event").asString()).isEqualTo(kind.label());
    assertThat(n.path("at").asString()).isEqualTo("2026-01-02T03:04:05.678Z");
    return n;
  }

  private static void assertChat(JsonNode n) {
    assertThat(n.path("platform").asString()).isEqualTo("telegram");
    assertThat(n.path("chat").asString()).isEqualTo("-100");
    assertThat(n.path("thread").asString()).isEqualTo("7");
    assertThat(n.path("user").asString()).isEqualTo("42");
    assertThat(n.path("session").asString()).isEqualTo("telegram:-100/7@42");
  }

  @Test
  void anEventNoHookWantsIsNotOffered() {
    unwanted.add(EventKind.TURN_STARTED);
    HookEvents events = new HookEvents(sink, true, CLOCK);
    events.turnStarted(CHAT, 1, "hello");
    assertThat(sent).isEmpty();
    events.turnFinished(CHAT, 1, "answered", Duration.ofMillis(5), "hello", "hi");
    only(EventKind.TURN_FINISHED);
  }

  @Test
  void aFinishedTurnSaysWhereHowAndHowLongButNotWhatWasSaid() {
    new HookEvents(sink, false, CLOCK)
        .turnFinished(CHAT, 2, "answered", Duration.ofMillis(1234), "my secret plan", "do it");
    JsonNode n = only(EventKind.TURN_FINISHED);
    assertChat(n);
    assertThat(n.path("attempt").asInt()).isEqualTo(2);
    assertThat(n.path("outcome").asString()).isEqualTo("answered");
    assertThat(n.path("duration_ms").asLong()).isEqualTo(1234);
    assertThat(n.has("text")).isFalse();
    assertThat(n.has("reply")).isFalse();
    assertThat(sent.getFirst().json()).doesNotContain("secret plan").doesNotContain("do it");
  }

  @Test
  void theTextComesOnlyWhenTheOwnerOptsIn() {
    HookEvents events = new HookEvents(sink, true, CLOCK);
    events.turnFinished(CHAT, 1, "answered", Duration.ofMillis(5), "hello \"you\"", "hi");
    JsonNode n = only(EventKind.TURN_FINISHED);
    assertThat(n.path("text").asString()).isEqualTo("hello \"you\"");
    assertThat(n.path("reply").asString()).isEqualTo("hi");
    sent.clear();
    events.turnStarted(CHAT, 1, "line one\nline two");
    assertThat(only(EventKind.TURN_STARTED).path("text").asString())
        .isEqualTo("line one\nline two");
    sent.clear();
    events.commandRun(CHAT, "model", "done", "gpt-4o");
    assertThat(only(EventKind.COMMAND_RUN).path("arguments").asString()).isEqualTo("gpt-4o");
  }

  @Test
  void aStartedTurnAndACommandCarryNoTextByDefault() {
    HookEvents events = new HookEvents(sink, false, CLOCK);
    events.turnStarted(CHAT, 1, "private words");
    JsonNode started = only(EventKind.TURN_STARTED);
    assertChat(started);
    assertThat(started.path("attempt").asInt()).isEqualTo(1);
    assertThat(started.has("text")).isFalse();
    sent.clear();
    events.commandRun(CHAT, "model", "refused", "private words");
    JsonNode command = only(EventKind.COMMAND_RUN);
    assertChat(command);
    assertThat(command.path("command").asString()).isEqualTo("model");
    assertThat(command.path("outcome").asString()).isEqualTo("refused");
    assertThat(command.has("arguments")).isFalse();
  }

  @Test
  void aPlatformsStateReachesHooksOnlyWhenItChanges() {
    HookEvents events = new HookEvents(sink, false, CLOCK);
    events.platformState("telegram", "connecting", null);
    events.platformState("telegram", "connecting", "connection refused");
    events.platformState("telegram", "connected", null);
    events.platformState("discord", "connecting", null);
    assertThat(sent).hasSize(3);
    JsonNode first = JSON.readTree(sent.get(0).json());
    assertThat(first.path("platform").asString()).isEqualTo("telegram");
    assertThat(first.path("state").asString()).isEqualTo("connecting");
    assertThat(first.path("previous").isNull()).isTrue();
    assertThat(first.path("error").isNull()).isTrue();
    JsonNode second = JSON.readTree(sent.get(1).json());
    assertThat(second.path("state").asString()).isEqualTo("connected");
    assertThat(second.path("previous").asString()).isEqualTo("connecting");
    assertThat(JSON.readTree(sent.get(2).json()).path("platform").asString()).isEqualTo("discord");
  }

  @Test
  void theGatewaysOwnEventsAndAJob() {
    HookEvents events = new HookEvents(sink, false, CLOCK);
    events.gatewayStarted("1.2.3", List.of("telegram", "web"));
    JsonNode started = only(EventKind.GATEWAY_STARTED);
    assertThat(started.path("version").asString()).isEqualTo("1.2.3");
    assertThat(started.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(started.path("platforms").toString()).isEqualTo("[\"telegram\",\"web\"]");
    sent.clear();
    events.gatewayStopping("restart", "/restart from telegram:42");
    JsonNode stopping = only(EventKind.GATEWAY_STOPPING);
    assertThat(stopping.path("kind").asString()).isEqualTo("restart");
    assertThat(stopping.path("source").asString()).isEqualTo("/restart from telegram:42");
    sent.clear();
    events.sessionNew(CHAT, 3);
    JsonNode session = only(EventKind.SESSION_NEW);
    assertChat(session);
    assertThat(session.path("conversation").asInt()).isEqualTo(3);
    sent.clear();
    events.jobRun(CHAT, 7, "every day at 09:00", Instant.parse("2026-01-02T08:00:00Z"), "started");
    JsonNode job = only(EventKind.JOB_RUN);
    assertChat(job);
    assertThat(job.path("job").asLong()).isEqualTo(7);
    assertThat(job.path("schedule").asString()).isEqualTo("every day at 09:00");
    assertThat(job.path("due").asString()).isEqualTo("2026-01-02T08:00:00Z");
    assertThat(job.path("outcome").asString()).isEqualTo("started");
  }

  @Test
  void aThreadlessChatHasANullThread() {
    new HookEvents(sink, false, CLOCK)
        .sessionNew(new EventChat("web", "c1", null, "u1", "web:c1"), 0);
    assertThat(only(EventKind.SESSION_NEW).path("thread").isNull()).isTrue();
  }

  @Test
  void eventNamesAndSettingNames() {
    assertThat(EventKind.TURN_FINISHED.label()).isEqualTo("turn.finished");
    assertThat(EventKind.TURN_FINISHED.settingName()).isEqualTo("turn_finished");
    assertThat(HookSettings.commandsKey(EventKind.COMMAND_RUN).path())
        .isEqualTo("hooks.commands.command_run");
    assertThat(List.of(EventKind.values()).stream().map(EventKind::label))
        .containsExactly(
            "gateway.started",
            "gateway.stopping",
            "platform.state",
            "session.new",
            "turn.started",
            "turn.finished",
            "command.run",
            "job.run");
  }
}
