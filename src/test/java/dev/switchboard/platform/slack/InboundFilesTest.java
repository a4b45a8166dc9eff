package dev.switchboard.platform.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.InboundMessage;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Slack's file objects as attachments, and which message events carry them. */
class InboundFilesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String URL = "https://files.slack.com/files-pri/T1-F1/";

  private static Optional<Attachment> attachment(String json) {
    return InboundFiles.attachment(JSON.readTree(json));
  }

  private static Optional<InboundMessage> event(String event) {
    return new InboundEvents()
        .from(
            JSON.readTree("{\"type\":\"event_callback\",\"event\":" + event + "}"),
            "UBOT",
            Instant.EPOCH);
  }

  @Test
  void theKindFollowsTheMimeTypeAndAnAudioClipIsAVoiceNote() {
    assertThat(AttachmentKind.ofMimeType("image/webp")).isEqualTo(AttachmentKind.IMAGE);
    assertThat(AttachmentKind.ofMimeType("audio/ogg")).isEqualTo(AttachmentKind.AUDIO);
    assertThat(AttachmentKind.ofMimeType("video/quicktime")).isEqualTo(AttachmentKind.VIDEO);
    assertThat(AttachmentKind.ofMimeType("application/zip")).isEqualTo(AttachmentKind.DOCUMENT);
    assertThat(AttachmentKind.ofMimeType("")).isEqualTo(AttachmentKind.DOCUMENT);

    Attachment clip = attachment("{\"id\":\"F1\",\"subtype\":\"slack_audio\","
            + "\"mimetype\":\"audio/webm\",\"size\":9,\"url_private\":\"" + URL + "c.webm\"}")
        .orElseThrow();
    assertThat(clip.kind()).isEqualTo(AttachmentKind.VOICE);
    assertThat(clip.mimeType()).isEqualTo("audio/webm");
  }

  @Test
  void whatSlackLeavesOutIsKnownOrMarkedUnknown() {
    Attachment bare = attachment("{\"id\":\"F1\",\"name\":\"  \",\"url_private\":\"" + URL + "x\"}")
        .orElseThrow();
    assertThat(bare.mimeType()).isEqualTo(Attachment.UNKNOWN_TYPE);
    assertThat(bare.kind()).isEqualTo(AttachmentKind.DOCUMENT);
    assertThat(bare.size()).isEqualTo(-1);
    assertThat(bare.fileName()).isNull();
    assertThat(bare.ref()).isEqualTo(URL + "x");
  }

  @Test
  void deletedHiddenExternalAndUnlinkedFilesAreLeftOut() {
    assertThat(attachment("{\"id\":\"F1\",\"mode\":\"tombstone\",\"name\":\"gone\"}"))
        .isEmpty();
    assertThat(attachment(
            "{\"id\":\"F1\",\"mode\":\"hidden_by_limit\",\"url_private\":\"" + URL + "x\"}"))
        .isEmpty();
    assertThat(attachment("{\"id\":\"F1\",\"mode\":\"external\",\"is_external\":true,"
            + "\"external_type\":\"gdrive\",\"url_private\":\"https://docs.google.com/d/1\"}"))
        .isEmpty();
    assertThat(attachment(
            "{\"id\":\"F1\",\"mode\":\"file_access\"," + "\"file_access\":\"check_file_info\"}"))
        .isEmpty();
    assertThat(attachment("{\"id\":\"F1\",\"url_private_download\":\" \"}")).isEmpty();
    assertThat(attachment(
            "{\"id\":\"F1\",\"url_private_download\":\" \",\"url_private\":\"" + URL + "y\"}"))
        .hasValueSatisfying(a -> assertThat(a.ref()).isEqualTo(URL + "y"));
  }

  @Test
  void onlyAFileShareAmongSubtypesIsAMessageAndOnlyWithTextOrAFile() {
    String file = "\"files\":[{\"id\":\"F1\",\"mimetype\":\"image/png\",\"url_private_download\":\""
        + URL + "download/a.png\"}]";
    assertThat(event("{\"type\":\"message\",\"subtype\":\"file_share\",\"channel_type\":\"im\","
            + "\"channel\":\"D1\",\"user\":\"U1\",\"text\":\"\",\"ts\":\"1.1\"," + file + "}"))
        .hasValueSatisfying(m -> assertThat(m.attachments()).hasSize(1));
    assertThat(event("{\"type\":\"message\",\"subtype\":\"message_changed\","
            + "\"channel_type\":\"im\",\"channel\":\"D1\",\"user\":\"U1\",\"text\":\"x\","
            + "\"ts\":\"1.1\"," + file + "}"))
        .isEmpty();
    assertThat(event("{\"type\":\"message\",\"subtype\":\"file_share\",\"channel_type\":\"im\","
            + "\"channel\":\"D1\",\"user\":\"U1\",\"bot_id\":\"B1\",\"text\":\"\",\"ts\":\"1.1\","
            + file + "}"))
        .isEmpty();
    assertThat(event("{\"type\":\"message\",\"subtype\":\"file_share\",\"channel_type\":\"im\","
            + "\"channel\":\"D1\",\"user\":\"U1\",\"text\":\" \",\"ts\":\"1.1\","
            + "\"files\":[{\"id\":\"F1\",\"mode\":\"tombstone\"}]}"))
        .isEmpty();
  }

  @Test
  void aFileObjectOfOddShapeIsLeftOutNotAnError() {
    JsonNode odd = JSON.readTree("[1, \"x\", null, {\"url_private\": 5}, {\"size\": \"big\"}]");
    assertThat(InboundFiles.from(odd)).isEmpty();
    assertThat(InboundFiles.from(JSON.readTree("{\"files\":\"none\"}").path("files")))
        .isEmpty();
  }
}
