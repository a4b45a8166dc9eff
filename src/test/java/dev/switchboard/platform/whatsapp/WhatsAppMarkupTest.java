package dev.switchboard.platform.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Markdown as agents write it, in WhatsApp's formatting. */
class WhatsAppMarkupTest {
  private static String one(String markdown) {
    List<String> parts = WhatsAppMarkup.REPLIES.messages(markdown);
    assertThat(parts).hasSize(1);
    return parts.getFirst();
  }

  @Test
  void emphasisBecomesWhatsAppsMarkers() {
    assertThat(one("**bold** and *italic* and ~~gone~~"))
        .isEqualTo("*bold* and _italic_ and ~gone~");
    assertThat(one("__bold__ _it_")).isEqualTo("*bold* _it_");
    assertThat(one("***both***")).isEqualTo("*_both_*");
  }

  @Test
  void codeStaysCodeAndItsMarkersStayLiteral() {
    assertThat(one("run `rm -rf *tmp*` now")).isEqualTo("run `rm -rf *tmp*` now");
    assertThat(one("```python\nprint(\"**x**\")\n```")).isEqualTo("```\nprint(\"**x**\")\n```");
  }

  @Test
  void headingsAreBoldLinksShowTheirUrlAndQuotesKeepTheirMark() {
    assertThat(one("# Title\n\ntext")).isEqualTo("*Title*\n\ntext");
    assertThat(one("see [the docs](https://example.com/a) here"))
        .isEqualTo("see the docs (https://example.com/a) here");
    assertThat(one("> quoted\n\nafter")).isEqualTo("> quoted\n\nafter");
  }

  @Test
  void aLongReplyIsSplitWithinTheLimit() {
    String para = "word ".repeat(300) + "\n\n";
    List<String> parts = WhatsAppMarkup.REPLIES.messages(para.repeat(6));
    assertThat(parts).hasSizeGreaterThan(1);
    assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(4096));
  }
}
