package dev.switchboard.platform.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.InboundMessage;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Which timeline events reach the agent, from events shaped as the spec's examples. */
class MatrixInboundEventsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String BOT = "@switchboard:example.org";
  private static final String BOB = "@bob:example.org";
  private static final String ROOM = "!726s6s6q:example.org";
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  private final InboundEvents events = new InboundEvents(BOT, Set.of("!ops:example.org"));

  private static ObjectNode message(String sender, String body) {
    ObjectNode e = JSON.createObjectNode()
        .put("type", "m.room.message")
        .put("event_id", "$143273582443PhrSn:example.org")
        .put("sender", sender)
        .put("origin_server_ts", 1432735824653L);
    e.putObject("content").put("msgtype", "m.text").put("body", body);
    return e;
  }

  @Test
  void aDirectMessageIsTakenAsItIs() {
    InboundMessage m = events.from(ROOM, message(BOB, "hello there"), true, NOW).orElseThrow();
    assertThat(m.text()).isEqualTo("hello there");
    assertThat(m.group()).isFalse();
    assertThat(m.chat().chatId()).isEqualTo(ROOM);
    assertThat(m.chat().threadId()).isNull();
    assertThat(m.sender().userId()).isEqualTo(BOB);
    assertThat(m.messageId()).isEqualTo("$143273582443PhrSn:example.org");
  }

  @Test
  void inARoomOnlyAMentionCountsAndTheMentionIsTakenOut() {
    assertThat(events.from(ROOM, message(BOB, "lunch anyone?"), false, NOW)).isEmpty();
    assertThat(events.from(ROOM, message(BOB, "switchboard: what is up?"), false, NOW))
        .get()
        .extracting(InboundMessage::text)
        .isEqualTo("what is up?");
    ObjectNode pill = message(BOB, "Switchboard how are you");
    ((ObjectNode) pill.path("content"))
        .putObject("m.mentions")
        .putArray("user_ids")
        .add(BOT);
    assertThat(events.from(ROOM, pill, false, NOW).orElseThrow().text()).isEqualTo("how are you");
    assertThat(events.from("!ops:example.org", message(BOB, "lunch anyone?"), false, NOW))
        .isPresent();
    assertThat(events.from(ROOM, message(BOB, "ask switchboard-dev"), false, NOW))
        .isEmpty();
  }

  @Test
  void aThreadIsAnsweredInItAndAReplysQuotedFallbackIsDropped() {
    ObjectNode e = message(BOB, "> <@ada:example.org> earlier words\n\nswitchboard: and now?");
    ((ObjectNode) e.path("content"))
        .putObject("m.relates_to")
        .put("rel_type", "m.thread")
        .put("event_id", "$root:example.org")
        .putObject("m.in_reply_to")
        .put("event_id", "$earlier:example.org");
    InboundMessage m = events.from(ROOM, e, false, NOW).orElseThrow();
    assertThat(m.chat().threadId()).isEqualTo("$root:example.org");
    assertThat(m.text()).isEqualTo("and now?");
  }

  @Test
  void ownMessagesEditsAndRedactedEventsAreNotTaken() {
    assertThat(events.from(ROOM, message(BOT, "my answer"), true, NOW)).isEmpty();
    ObjectNode edit = message(BOB, "* fixed");
    ((ObjectNode) edit.path("content"))
        .putObject("m.relates_to")
        .put("rel_type", "m.replace")
        .put("event_id", "$old:example.org");
    assertThat(events.from(ROOM, edit, true, NOW)).isEmpty();
    ObjectNode redacted = message(BOB, "x");
    redacted.putObject("content");
    assertThat(events.from(ROOM, redacted, true, NOW)).isEmpty();
    ObjectNode notice = message(BOB, "a bot's notice");
    ((ObjectNode) notice.path("content")).put("msgtype", "m.notice");
    assertThat(events.from(ROOM, notice, true, NOW))
        .as("bots never answer notices")
        .isEmpty();
    assertThat(events
            .from(ROOM, message(BOB, "> quoted on purpose"), true, NOW)
            .orElseThrow()
            .text())
        .as("not a reply: nothing is taken out")
        .isEqualTo("> quoted on purpose");
    ObjectNode member = JSON.createObjectNode().put("type", "m.room.member").put("sender", BOB);
    assertThat(events.from(ROOM, member, true, NOW)).isEmpty();
  }

  @Test
  void mediaComeAsAttachmentsByTheirMxcUriWithTheirCaption() {
    ObjectNode e = JSON.createObjectNode()
        .put("type", "m.room.message")
        .put("event_id", "$img:example.org")
        .put("sender", BOB);
    e.putObject("content")
        .put("msgtype", "m.image")
        .put("url", "mxc://example.org/abc123")
        .put("filename", "dog.jpg")
        .put("body", "this is a cat picture")
        .putObject("info")
        .put("mimetype", "image/jpeg")
        .put("size", 27253);
    InboundMessage m = events.from(ROOM, e, true, NOW).orElseThrow();
    assertThat(m.text()).isEqualTo("this is a cat picture");
    assertThat(m.attachments()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AttachmentKind.IMAGE);
      assertThat(a.ref()).isEqualTo("mxc://example.org/abc123");
      assertThat(a.fileName()).isEqualTo("dog.jpg");
      assertThat(a.size()).isEqualTo(27253);
    });
    ObjectNode file = JSON.createObjectNode()
        .put("type", "m.room.message")
        .put("event_id", "$file:example.org")
        .put("sender", BOB);
    file.putObject("content")
        .put("msgtype", "m.file")
        .put("url", "mxc://example.org/def456")
        .put("body", "report.pdf");
    InboundMessage f = events.from(ROOM, file, true, NOW).orElseThrow();
    assertThat(f.text()).isEmpty();
    assertThat(f.attachments().getFirst().mimeType()).isEqualTo("application/pdf");
    assertThat(f.attachments().getFirst().fileName()).isEqualTo("report.pdf");
  }
}
