package dev.switchboard.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pipeline's own rules, whatever the markup: units, limits, and what must give way. */
class ReplyFormatTest {
  private static final String GRIN = "\uD83D\uDE00"; // one code point, two UTF-16 code units

  /** A Markdown-like markup, enough to see tags close and reopen around cuts. */
  private static final class Marked implements MarkupRenderer, MarkupWriter.Vocabulary {
    @Override
    public String render(StyledText piece) {
      return MarkupWriter.write(piece, this);
    }

    @Override
    public List<MarkupWriter.Tag> tags(Format f) {
      if (f.href() != null) {
        return List.of(new MarkupWriter.Tag("[", "](" + f.href() + ")"));
      }
      return f.bold() ? List.of(new MarkupWriter.Tag("*", "*", true)) : List.of();
    }

    @Override
    public String text(String text, Format format) {
      return format.pre() != null ? "```" + format.pre() + "\n" + text + "\n```" : text;
    }

    @Override
    public String linePrefix(Format format) {
      return format.quote() ? "> " : "";
    }
  }

  private static List<String> marked(String markdown, int limit) {
    return new ReplyFormat(new Marked(), limit, LengthUnit.CODE_POINTS, WhitespaceAtCuts.TRIM)
        .messages(markdown);
  }

  @Test
  void limitsTooSmallForTheWhitespaceRuleAreRejected() {
    assertThatThrownBy(() -> ReplyFormat.plainText(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be at least 2: 1");
    assertThatThrownBy(
            () -> new ReplyFormat(new PlainText(), 2, LengthUnit.UTF16, WhitespaceAtCuts.KEEP))
        .hasMessage("limit must be at least 3: 2");
  }

  @Test
  void theUnitIsWhatTheLimitCounts() {
    String text = GRIN.repeat(5);

    assertThat(new ReplyFormat(new PlainText(), 4, LengthUnit.UTF16, WhitespaceAtCuts.TRIM)
            .messages(StyledText.plain(text)))
        .containsExactly(GRIN.repeat(2), GRIN.repeat(2), GRIN);
    assertThat(new ReplyFormat(new PlainText(), 4, LengthUnit.CODE_POINTS, WhitespaceAtCuts.TRIM)
            .messages(StyledText.plain(text)))
        .containsExactly(GRIN.repeat(4), GRIN);
  }

  @Test
  void theLimitHoldsForTheRenderingNotTheText() {
    List<String> parts = marked("**" + "word ".repeat(9) + "end**", 20);

    assertThat(parts)
        .containsExactly("*word word word*", "*word word word*", "*word word word end*");
  }

  @Test
  void aStyleEndingInWhitespaceIsClosedBeforeIt() {
    assertThat(marked("**a** b", 100)).containsExactly("*a* b");
    assertThat(MarkupWriter.write(
            new StyledText(
                "a b",
                List.of(
                    new StyledText.Span(0, 2, Format.PLAIN.withBold()),
                    new StyledText.Span(2, 3, Format.PLAIN))),
            new Marked()))
        .isEqualTo("*a* b");
  }

  @Test
  void aCodeBlockCutInTwoIsClosedAndReopenedWithItsLanguage() {
    String code = "line one\nline two\nline three\nline four";

    List<String> parts = marked("Run:\n```sh\n" + code + "\n```\nDone.", 40);

    assertThat(parts)
        .containsExactly(
            "Run:\n```sh\nline one\nline two\n```", "```sh\nline three\nline four\n```\nDone.");
  }

  @Test
  void aQuoteCutInTwoIsAQuoteInBoth() {
    assertThat(marked("> one two\n> three four", 12)).containsExactly("> one two", "> three four");
  }

  @Test
  void aLinkTooLongForAnyMessageIsSentAsItsText() {
    String url = "https://x.test/" + "a".repeat(60);

    List<String> parts = marked("see [the docs](" + url + ") now", 30);

    assertThat(parts).containsExactly("see the docs now");
  }

  @Test
  void aLimitThatCannotHoldOneCharacterOfTheMarkupFails() {
    MarkupRenderer wide = piece -> "<<" + piece.text() + ">>";

    assertThatThrownBy(() -> new ReplyFormat(wide, 4, LengthUnit.UTF16, WhitespaceAtCuts.TRIM)
            .messages("a long enough reply"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
