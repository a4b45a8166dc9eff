package dev.switchboard.platform.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which media URLs get the token, and what kind of message a file goes as. */
class WhatsAppMediaTest {
  private final WhatsAppMedia media = new WhatsAppMedia(
      new GraphApi(URI.create("https://graph.facebook.com"), "v23.0", WhatsAppTesting.TOKEN),
      WhatsAppTesting.PHONE_ID,
      URI.create("https://graph.facebook.com"));

  @Test
  void theTokenGoesOnlyToMetasHostsOverHttps() {
    assertThat(media.trusted(URI.create(
            "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2&hash=3")))
        .isTrue();
    assertThat(media.trusted(URI.create("https://graph.facebook.com/v23.0/1"))).isTrue();
    assertThat(media.trusted(URI.create("http://lookaside.fbsbx.com/x"))).isFalse();
    assertThat(media.trusted(URI.create("https://evil.example/fbsbx.com"))).isFalse();
    assertThat(media.trusted(URI.create("https://fbsbx.com.evil.example/x"))).isFalse();
    assertThat(media.trusted(URI.create("https://notfbsbx.com/x"))).isFalse();
  }

  @Test
  void onlyANumericMediaIdIsLookedUp() {
    assertThatThrownBy(() -> media.download(new Attachment(
            AttachmentKind.IMAGE, "image/jpeg", -1, null, "../106540352242922/messages")))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("not a WhatsApp media id");
  }

  @Test
  void aFileGoesAsItsKindOnlyWhenWhatsAppTakesItsFormatAndSize() {
    Path p = Path.of("x");
    long mb = 1024L * 1024;
    assertThat(WhatsAppMedia.messageType(
            new OutboundFile(AttachmentKind.IMAGE, "image/png", "a.png", p, mb, "")))
        .isEqualTo("image");
    assertThat(WhatsAppMedia.messageType(
            new OutboundFile(AttachmentKind.IMAGE, "image/png", "a.png", p, 6 * mb, "")))
        .isEqualTo("document");
    assertThat(WhatsAppMedia.messageType(
            new OutboundFile(AttachmentKind.IMAGE, "image/gif", "a.gif", p, 10, "")))
        .isEqualTo("document");
    assertThat(WhatsAppMedia.messageType(
            new OutboundFile(AttachmentKind.VOICE, "audio/ogg; codecs=opus", "v.ogg", p, 10, "")))
        .isEqualTo("audio");
    assertThat(WhatsAppMedia.messageType(
            new OutboundFile(AttachmentKind.VIDEO, "video/mp4", "v.mp4", p, 17 * mb, "")))
        .isEqualTo("document");
    assertThat(WhatsAppMedia.messageType(
            new OutboundFile(AttachmentKind.DOCUMENT, "application/pdf", "r.pdf", p, 10, "")))
        .isEqualTo("document");
  }
}
