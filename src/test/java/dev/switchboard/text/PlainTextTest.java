package dev.switchboard.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Markdown where no markup is shown (a file's caption): what a reader should see. */
class PlainTextTest {
  @Test
  void stylesGoAndLinksKeepTheirAddress() {
    assertThat(PlainText.ofMarkdown("**Daily** _report_, `v2`")).isEqualTo("Daily report, v2");
    assertThat(PlainText.ofMarkdown("see [the **dashboard**](https://dash.example/d/1) now"))
        .isEqualTo("see the dashboard (https://dash.example/d/1) now");
    assertThat(PlainText.ofMarkdown("[https://x.example](https://x.example)"))
        .isEqualTo("https://x.example");
    assertThat(PlainText.ofMarkdown("  plain text\n")).isEqualTo("plain text");
  }
}
