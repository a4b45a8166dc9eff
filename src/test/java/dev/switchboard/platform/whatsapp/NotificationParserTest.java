package dev.switchboard.platform.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.InboundMessage;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Meta's webhook payloads, in the shapes of its reference, read into messages and statuses. */
class NotificationParserTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final NotificationParser parser = new NotificationParser("106540352242922");

  private static JsonNode payload(String value) {
    return JSON.readTree("""
        {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398",
         "changes": [{"field": "messages", "value": {"messaging_product": "whatsapp",
          "metadata": {"display_phone_number": "15550783881",
                       "phone_number_id": "106540352242922"},
          "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
          %s}}]}]}""".formatted(value));
  }

  private static JsonNode message(String type, String content) {
    return payload("""
        "messages": [{"from": "16505551234", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5",
          "timestamp": "1739321024", "type": "%s", "%s": %s}]""".formatted(type, type, content));
  }

  private InboundMessage only(JsonNode payload) {
    List<InboundMessage> messages = parser.parse(payload).messages();
    assertThat(messages).hasSize(1);
    return messages.getFirst();
  }

  @Test
  void aTextIsAMessageFromTheSendersWaId() {
    InboundMessage m = only(message("text", "{\"body\": \"Does it come in another color?\"}"));
    assertThat(m.chat().platform()).isEqualTo("whatsapp");
    assertThat(m.chat().chatId()).isEqualTo("16505551234");
    assertThat(m.chat().threadId()).isNull();
    assertThat(m.messageId()).isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5");
    assertThat(m.sender().userId()).isEqualTo("16505551234");
    assertThat(m.sender().displayName()).isEqualTo("Sheena Nelson");
    assertThat(m.text()).isEqualTo("Does it come in another color?");
    assertThat(m.group()).isFalse();
    assertThat(m.receivedAt()).isEqualTo(Instant.ofEpochSecond(1739321024));
  }

  @Test
  void aMessageInAGroupIsInTheGroupsChat() {
    InboundMessage m = only(payload("""
        "messages": [{"from": "16505551234", "group_id": "120363025246125486",
          "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU6", "timestamp": "1739321024",
          "type": "text", "text": {"body": "hello group"}}]"""));
    assertThat(m.chat().chatId()).isEqualTo("group.120363025246125486");
    assertThat(m.group()).isTrue();
    assertThat(m.sender().userId()).isEqualTo("16505551234");
    assertThat(m.text()).isEqualTo("hello group");
  }

  @Test
  void mediaIsAnAttachmentNamedByItsMediaIdWithTheCaptionAsText() {
    InboundMessage image = only(message("image", """
        {"caption": "Look", "mime_type": "image/jpeg",
         "sha256": "cVqkxBBQ3Emq4HWbdYqEhtVRRo4XxvYk9ZmG0TR5kX4=", "id": "1003383421387256"}"""));
    assertThat(image.text()).isEqualTo("Look");
    assertThat(image.attachments())
        .containsExactly(
            new Attachment(AttachmentKind.IMAGE, "image/jpeg", -1, null, "1003383421387256"));

    InboundMessage voice = only(message("audio", """
        {"mime_type": "audio/ogg; codecs=opus", "sha256": "x", "id": "1", "voice": true}"""));
    assertThat(voice.text()).isEmpty();
    assertThat(voice.attachments().getFirst().kind()).isEqualTo(AttachmentKind.VOICE);
    assertThat(voice.attachments().getFirst().mimeType()).isEqualTo("audio/ogg; codecs=opus");

    InboundMessage audio = only(message("audio", """
        {"mime_type": "audio/mpeg", "sha256": "x", "id": "2", "voice": false}"""));
    assertThat(audio.attachments().getFirst().kind()).isEqualTo(AttachmentKind.AUDIO);

    InboundMessage video = only(message("video", """
        {"mime_type": "video/mp4", "sha256": "x", "id": "3"}"""));
    assertThat(video.attachments().getFirst().kind()).isEqualTo(AttachmentKind.VIDEO);

    InboundMessage document = only(message("document", """
        {"caption": "the report", "filename": "report.pdf", "mime_type": "application/pdf",
         "sha256": "x", "id": "4"}"""));
    assertThat(document.text()).isEqualTo("the report");
    assertThat(document.attachments())
        .containsExactly(
            new Attachment(AttachmentKind.DOCUMENT, "application/pdf", -1, "report.pdf", "4"));

    InboundMessage sticker = only(message("sticker", """
        {"mime_type": "image/webp", "sha256": "x", "id": "5", "animated": false}"""));
    assertThat(sticker.attachments().getFirst().kind()).isEqualTo(AttachmentKind.STICKER);
  }

  @Test
  void aLocationIsText() {
    InboundMessage m = only(message("location", """
        {"address": "1 Hacker Way, Menlo Park, CA 94025", "latitude": 37.483307,
         "longitude": -122.148981, "name": "Main Office", "url": "https://www.meta.com"}"""));
    assertThat(m.text())
        .isEqualTo("Location: Main Office, 1 Hacker Way, Menlo Park, CA 94025 (37.483307,"
            + " -122.148981) https://www.meta.com");
    InboundMessage bare = only(message("location", "{\"latitude\": 1.5, \"longitude\": 2.25}"));
    assertThat(bare.text()).isEqualTo("Location: (1.5, 2.25)");
  }

  @Test
  void buttonsAndListPicksAreTheirTitles() {
    assertThat(only(message("interactive", """
        {"type": "button_reply", "button_reply": {"id": "yes-1", "title": "Yes"}}""")).text()).isEqualTo("Yes");
    assertThat(only(message("interactive", """
        {"type": "list_reply", "list_reply": {"id": "r2", "title": "Tuesday",
         "description": "10:00 to 12:00"}}""")).text()).isEqualTo("Tuesday (10:00 to 12:00)");
    assertThat(only(message("button", """
        {"payload": "STOP_PROMOS", "text": "Stop promotions"}""")).text()).isEqualTo("Stop promotions");
  }

  @Test
  void reactionsUnknownTypesAndOtherNumbersAreSkipped() {
    assertThat(parser.parse(message("reaction", """
        {"message_id": "wamid.X", "emoji": "\\uD83D\\uDC4D"}""")).messages()).isEmpty();
    assertThat(parser.parse(message("unsupported", """
        {"type": "poll"}""")).messages()).isEmpty();
    assertThat(parser.parse(message("contacts", "[]")).messages()).isEmpty();
    assertThat(parser.parse(message("image", """
        {"mime_type": "image/jpeg", "id": " "}""")).messages()).isEmpty();
    assertThat(parser.parse(message("interactive", """
        {"type": "nfm_reply", "nfm_reply": {}}""")).messages()).isEmpty();
    NotificationParser other = new NotificationParser("999");
    assertThat(other.parse(message("text", "{\"body\": \"hi\"}")).messages()).isEmpty();
    assertThat(
            parser.parse(JSON.readTree("{\"object\": \"page\", \"entry\": []}")).messages())
        .isEmpty();
  }

  @Test
  void statusesCarryMetasErrors() {
    Notification n = parser.parse(payload("""
        "statuses": [{"id": "wamid.A", "status": "failed", "timestamp": "1750263773",
          "recipient_id": "16505551234",
          "errors": [{"code": 131047, "title": "Re-engagement message",
            "message": "Re-engagement message",
            "error_data": {"details": "Message failed to send because more than 24 hours have passed"},
            "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]},
         {"id": "wamid.B", "status": "delivered", "timestamp": "1750263773",
          "recipient_id": "16505551234"}]"""));
    assertThat(n.messages()).isEmpty();
    assertThat(n.statuses()).hasSize(2);
    Notification.Status failed = n.statuses().getFirst();
    assertThat(failed.failed()).isTrue();
    assertThat(failed.messageId()).isEqualTo("wamid.A");
    assertThat(failed.recipientId()).isEqualTo("16505551234");
    assertThat(failed.errors()).singleElement().satisfies(e -> {
      assertThat(e.code()).isEqualTo(131047);
      assertThat(e.title()).isEqualTo("Re-engagement message");
      assertThat(e.details()).startsWith("Message failed to send");
    });
    assertThat(n.statuses().get(1).failed()).isFalse();
  }

  @Test
  void neverThrowsWhateverTheDeliveryHolds() {
    Random random = new Random(7);
    String[] pieces = {
      "{",
      "}",
      "[",
      "]",
      ",",
      ":",
      "\"object\"",
      "\"whatsapp_business_account\"",
      "\"entry\"",
      "\"changes\"",
      "\"value\"",
      "\"field\"",
      "\"messages\"",
      "\"statuses\"",
      "\"type\"",
      "\"text\"",
      "\"image\"",
      "\"id\"",
      "\"from\"",
      "\"timestamp\"",
      "1",
      "-1",
      "null",
      "true",
      "\"99999999999999999999\"",
      "\"x\"",
      "{}",
      "[]",
      "\"metadata\"",
      "\"errors\""
    };
    int parsed = 0;
    for (int i = 0; i < 5000; i++) {
      StringBuilder s = new StringBuilder();
      int n = random.nextInt(40);
      for (int j = 0; j < n; j++) {
        s.append(pieces[random.nextInt(pieces.length)]);
      }
      JsonNode node;
      try {
        node = JSON.readTree(s.toString());
      } catch (RuntimeException e) {
        continue; // not JSON: the receiver answers 400 before the parser
      }
      if (node != null) {
        parser.parse(node);
        parsed++;
      }
    }
    assertThat(parsed).isPositive();
    // Well-formed envelopes with wrong types inside.
    for (String value : List.of(
        "\"messages\": 5",
        "\"messages\": [5, \"x\", null, {}]",
        "\"messages\": [{\"from\": 5, \"id\": {}, \"type\": \"text\", \"text\": 7}]",
        "\"messages\": [{\"from\": \"1\", \"id\": \"w\", \"type\": \"image\", \"image\": {}}]",
        "\"messages\": [{\"from\": \"1\", \"id\": \"w\", \"type\": \"text\","
            + " \"timestamp\": \"99999999999999999\", \"text\": {\"body\": \"x\"}}]",
        "\"statuses\": [{\"id\": 1, \"status\": [], \"errors\": 5}]")) {
      parser.parse(payload(value));
    }
  }
}
