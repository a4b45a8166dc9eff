package dev.switchboard.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.telegram.TelegramHtml;
import dev.switchboard.testing.Fuzz;
import dev.switchboard.testing.FuzzTries;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzing of the reply-text pipeline with text no agent means as Markdown: any UTF-16 (lone
 * surrogates, controls), random bytes, marker soup ({@code ***_~~`[](}), thousands of one
 * marker, unclosed fences. {@link MarkdownParser} reads anything, and the splitter still keeps
 * every message within the limit, for plain text and Telegram HTML. (The structured replies of
 * {@link MarkdownReplies} are the existing per-platform properties' input.)
 */
@AddLifecycleHook(FuzzTries.class)
class MarkdownFuzzTest {
  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> markers = Arbitraries.of(
            "*",
            "**",
            "***",
            "_",
            "__",
            "~~",
            "`",
            "```",
            "```java\n",
            "\n```\n",
            "[",
            "]",
            "(",
            ")",
            "](",
            "](http://x)",
            "<",
            ">",
            "&",
            "\\",
            "#",
            "# ",
            "> ",
            "- ",
            "1. ",
            "\n",
            "\n\n",
            " ",
            "\t",
            "a",
            "\uD83D\uDE00",
            "\uD800",
            "\uDC00",
            "\u0000",
            "|",
            "http://a.b/c_d")
        .list()
        .ofMaxSize(60)
        .map(l -> String.join("", l));
    Arbitrary<String> runs = Arbitraries.of(
            "*", "_", "`", "[", "(", "~", "\\", ">", "#", "\n", "[a](")
        .flatMap(m -> Arbitraries.integers().between(100, 3_000).map(m::repeat));
    return Arbitraries.oneOf(Fuzz.garbage(), markers, runs);
  }

  @Provide
  Arbitrary<Integer> limits() {
    return Arbitraries.oneOf(Arbitraries.integers().between(16, 64), Arbitraries.of(4096));
  }

  @Property(tries = 300)
  void anyTextIsReadAsMarkdown(@ForAll("texts") String text) throws Exception {
    StyledText parsed = Fuzz.within(() -> MarkdownParser.parse(text));

    assertThat(parsed.text().codePoints().count())
        .isLessThanOrEqualTo(text.codePoints().count());
  }

  @Property(tries = 200)
  void anyTextSplitsIntoMessagesThatFit(@ForAll("texts") String text, @ForAll("limits") int limit)
      throws Exception {
    for (ReplyFormat format : List.of(
        ReplyFormat.plainText(limit),
        new ReplyFormat(new TelegramHtml(), limit, LengthUnit.UTF16, WhitespaceAtCuts.KEEP))) {
      List<String> messages = Fuzz.within(() -> format.messages(text));

      assertThat(messages).allSatisfy(m -> assertThat(format.fits(m)).as(m).isTrue());
    }
  }

  @Property(tries = 300)
  void escapedTextOfAnyKindIsReadAsTyped(@ForAll("texts") String typed) throws Exception {
    String text = typed.replace("\r", ""); // line ends are read as \n, as in the other properties
    StyledText parsed = Fuzz.within(() -> MarkdownParser.parse(MarkdownParser.escapeAll(text)));

    assertThat(parsed.text()).isEqualTo(text);
  }
}
