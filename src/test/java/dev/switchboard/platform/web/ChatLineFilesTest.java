package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A conversation's lines with files, and the lines written before the web chat took files. */
class ChatLineFilesTest {
  private static final Instant T = Instant.parse("2025-01-02T03:04:05Z");
  private static final String REF = "ab".repeat(32);

  private static WebMessage parse(String line) {
    ChatLine.Parsed parsed = ChatLine.parse(line.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed).isNotNull();
    return parsed.message();
  }

  @Test
  void aMessageWithFilesIsReadAsItWasWritten() {
    WebMessage m = new WebMessage(
        "u-1",
        WebMessage.USER,
        "look",
        WebMessage.Markup.TEXT,
        T,
        List.of(
            new WebFile(REF, "photo.png", "image/png", 68),
            new WebFile("cd".repeat(32), "r\u00e9sum\u00e9.pdf", "application/pdf", 1234)));
    assertThat(parse(ChatLine.message(m))).isEqualTo(m);
  }

  @Test
  void aLineFromBeforeFilesHasNone() {
    WebMessage m =
        parse("{\"type\":\"message\",\"id\":\"u-1\",\"role\":\"user\",\"text\":\"hi\",\"at\":\"" + T
            + "\"}");
    assertThat(m.text()).isEqualTo("hi");
    assertThat(m.files()).isEmpty();
    // and what is written without files looks as it did
    assertThat(ChatLine.message(m)).doesNotContain("files");
  }

  @Test
  void aDamagedFileEntryIsLeftOutAndItsMessageKept() {
    WebMessage m = parse("{\"type\":\"message\",\"id\":\"a-1\",\"role\":\"agent\",\"text\":\"x\","
        + "\"files\":[{\"ref\":\"../../web_token\",\"name\":\"a\",\"type\":\"image/png\",\"size\":1},"
        + "{\"ref\":\"" + REF + "\",\"name\":\"b.png\",\"type\":\"image/png\",\"size\":-5},"
        + "{\"ref\":\"" + REF + "\",\"name\":\"dir/c\\u0000.png\",\"type\":\"<b>\",\"size\":7},"
        + "\"junk\"],\"at\":\"" + T + "\"}");
    assertThat(m.text()).isEqualTo("x");
    assertThat(m.files()).containsExactly(new WebFile(REF, "c.png", WebFile.UNKNOWN_TYPE, 7));
  }

  @Test
  void namesAreCutToTheirLastSegmentAndTypesToWhatTheBytesBearOut() {
    assertThat(WebFile.cleanName("C:\\Users\\me\\photo.png", "file")).isEqualTo("photo.png");
    assertThat(WebFile.cleanName("../..", "file")).isEqualTo("file");
    assertThat(WebFile.cleanName("  \u0007 ", "file")).isEqualTo("file");
    assertThat(WebFile.cleanName(null, "file")).isEqualTo("file");
    assertThat(WebFile.cleanName("\ud83d\ude00".repeat(300), "file").codePointCount(0, 400))
        .isEqualTo(200);
    assertThat(WebFile.typeOf("image/png", "text/html")).isEqualTo("image/png");
    assertThat(WebFile.typeOf(null, "Text/Plain; charset=utf-8")).isEqualTo("text/plain");
    assertThat(WebFile.typeOf(null, "image/jpeg")).isEqualTo(WebFile.UNKNOWN_TYPE);
    assertThat(WebFile.typeOf(null, "not a type")).isEqualTo(WebFile.UNKNOWN_TYPE);
    assertThat(WebFile.typeOf(null, null)).isEqualTo(WebFile.UNKNOWN_TYPE);
    assertThat(ImageSniffer.typeOf(WebChatFilesTest.PNG)).isEqualTo("image/png");
    assertThat(ImageSniffer.typeOf(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0}))
        .isEqualTo("image/jpeg");
    assertThat(ImageSniffer.typeOf("GIF89a...".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("image/gif");
    assertThat(ImageSniffer.typeOf("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("image/webp");
    assertThat(ImageSniffer.typeOf("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII)))
        .isNull();
    assertThat(ImageSniffer.typeOf("<svg>".getBytes(StandardCharsets.US_ASCII))).isNull();
  }
}
