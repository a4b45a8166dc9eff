package dev.switchboard.text;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Escaped text reads back as itself: what a renderer relies on to keep literal text literal. */
class MarkdownEscapePropertiesTest {
  @Provide
  Arbitrary<String> literals() {
    return MarkdownReplies.replies().map(s -> s.replace("\r", ""));
  }

  @Property(tries = 1000)
  void escapedTextIsReadAsTyped(@ForAll("literals") String text) {
    assertThat(MarkdownParser.parse(MarkdownParser.escape(text)).text()).isEqualTo(text);
    assertThat(MarkdownParser.parse(MarkdownParser.escapeAll(text)).text()).isEqualTo(text);
  }

  @Example
  void escapingUrlsTooKeepsMarkupAfterAUrlOutOfIt() {
    String url = "https://x.test/a_b*c";

    assertThat(MarkdownParser.parse(MarkdownParser.escapeAll(url) + "[l](https://y.test)")
            .spans())
        .hasSize(2);
    assertThat(MarkdownParser.parse(MarkdownParser.escape(url) + "[l](https://y.test)")
            .spans())
        .hasSize(1);
  }

  @Example
  void urlsAreLeftAsTheyAreSoThatTheyStillWork() {
    assertThat(MarkdownParser.escape("*see* https://x.test/a_b_c and #1"))
        .isEqualTo("\\*see\\* https://x.test/a_b_c and \\#1");
  }
}
