package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

/** Discord's Attachment objects as the gateway's attachments. */
class InboundAttachmentsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @ParameterizedTest
  @CsvSource({
    "image/webp, false, IMAGE",
    "IMAGE/PNG, false, IMAGE",
    "audio/ogg, false, AUDIO",
    "audio/ogg, true, VOICE",
    "video/quicktime, true, VIDEO",
    "application/pdf, false, DOCUMENT",
    "text/plain; charset=utf-8, false, DOCUMENT"
  })
  void theKindFollowsTheMediaTypeAndTheVoiceMessageFlag(
      String type, boolean voiceMessage, AttachmentKind kind) {
    assertThat(InboundAttachments.kind(type, voiceMessage)).isEqualTo(kind);
  }

  @Test
  void theMediaTypeIsDiscordsElseGuessedFromTheName() {
    assertThat(InboundAttachments.mimeType("text/plain; charset=utf-8", "a.md"))
        .isEqualTo("text/plain; charset=utf-8");
    assertThat(InboundAttachments.mimeType(null, "song.mp3")).isEqualTo("audio/mpeg");
    assertThat(InboundAttachments.mimeType("  ", "photo.JPG")).isEqualTo("image/jpeg");
    assertThat(InboundAttachments.mimeType(null, "noextension")).isEqualTo(Attachment.UNKNOWN_TYPE);
    assertThat(InboundAttachments.mimeType(null, null)).isEqualTo(Attachment.UNKNOWN_TYPE);
  }

  @Test
  void anEntryWithoutUrlIsLeftOutAndAMissingSizeIsUnknown() {
    var message = JSON.readTree("""
        {"flags": 0, "attachments": [
          {"id": "1", "filename": "gone.png", "content_type": "image/png", "size": 10},
          {"id": "2", "filename": "", "url": "https://cdn.discordapp.com/attachments/5/2/x"},
          {"id": "3", "filename": "n.ogg", "size": "12", "url": "https://cdn.discordapp.com/3"}
        ]}
        """);

    assertThat(InboundAttachments.of(message))
        .extracting(Attachment::fileName, Attachment::size, Attachment::kind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(null, -1L, AttachmentKind.DOCUMENT),
            org.assertj.core.groups.Tuple.tuple("n.ogg", -1L, AttachmentKind.AUDIO));
  }
}
