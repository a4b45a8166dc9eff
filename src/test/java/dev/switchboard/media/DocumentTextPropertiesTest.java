package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.media.DocumentText.Outcome;
import dev.switchboard.media.DocumentText.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class DocumentTextPropertiesTest {
  private static final Pattern NOTE = Pattern.compile(
      "\\[… cut: showed ([\\d,]+) (of [\\d,]+ characters|characters of a [\\d,]+-byte file)\\]$");

  /** Text with line breaks, spaces, accents, CJK and emoji (surrogate pairs, with modifiers). */
  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.of("a", "word", " ", "\n", "\t", "é", "日本", "🎉", "👍🏽", "x".repeat(40))
        .list()
        .ofMinSize(1)
        .ofMaxSize(300)
        .map(parts -> String.join("", parts));
  }

  @Property
  void aCutIsAPrefixWithinTheBudgetThatNeverEndsInHalfAPair(
      @ForAll("texts") String text, @ForAll @IntRange(min = 0, max = 2000) int budget) {
    int end = TextCut.end(text, budget);

    if (text.length() <= budget) {
      assertThat(end).isEqualTo(text.length());
    } else {
      assertThat(end).isBetween(budget - budget / 10 - 1, budget);
      assertThat(end == 0 || !Character.isHighSurrogate(text.charAt(end - 1))).isTrue();
    }
  }

  @Property(tries = 300)
  void aDocumentComesBackWholeOrAsAPrefixWithinTheBudgetAndANote(
      @ForAll("texts") String text, @ForAll @IntRange(min = 1, max = 3000) int budget)
      throws IOException {
    Path file = Files.createTempFile("document", ".txt");
    try {
      Files.writeString(file, text);
      Outcome outcome = DocumentText.read(file, "text/plain", "notes.txt", budget);

      assertThat(outcome).isInstanceOf(Text.class);
      Text read = (Text) outcome;
      if (text.length() <= budget) {
        assertThat(read).isEqualTo(new Text(text, false));
        return;
      }
      assertThat(read.cut()).isTrue();
      Matcher note = NOTE.matcher(read.text());
      assertThat(note.find()).as(read.text()).isTrue();
      int shown = Integer.parseInt(note.group(1).replace(",", ""));
      String kept = read.text().substring(0, shown);
      assertThat(shown).isLessThanOrEqualTo(budget);
      assertThat(text).startsWith(kept);
      assertThat(read.text().substring(shown, note.start())).isIn("", "\n");
    } finally {
      Files.delete(file);
    }
  }
}
