package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading lines backwards in chunks gives the file's lines, last first, with their offsets. */
class ReverseLinesTest {
  @TempDir
  Path dir;

  private record Read(long offset, String text) {}

  private static List<Read> readBack(Path file, long end, int chunk, int maxLine)
      throws IOException {
    List<Read> out = new ArrayList<>();
    try (ReverseLines in = new ReverseLines(file, end, chunk, maxLine)) {
      for (ReverseLines.Line l = in.previous(); l != null; l = in.previous()) {
        byte[] bytes = l.bytes();
        out.add(new Read(
            l.offset(), bytes == null ? "<too long>" : new String(bytes, StandardCharsets.UTF_8)));
      }
    }
    return out;
  }

  /** The lines as a forward split sees them: a final line without its newline is a line. */
  private static List<Read> split(String content) {
    List<Read> lines = new ArrayList<>();
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        lines.add(new Read(start, new String(bytes, start, i - start, StandardCharsets.UTF_8)));
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      lines.add(
          new Read(start, new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8)));
    }
    Collections.reverse(lines);
    return lines;
  }

  @Test
  void linesComeLastFirstWithTheirOffsetsAndACutOffLastLineIsALine() throws IOException {
    Path file = dir.resolve("a.jsonl");
    Files.writeString(file, "one\ntwo\n\nthree\nfou");
    assertThat(readBack(file, Files.size(file), 3, 100))
        .containsExactly(
            new Read(15, "fou"),
            new Read(9, "three"),
            new Read(8, ""),
            new Read(4, "two"),
            new Read(0, "one"));
  }

  @Test
  void readingStartsAtACursor() throws IOException {
    Path file = dir.resolve("a.jsonl");
    Files.writeString(file, "one\ntwo\nthree\n");
    assertThat(readBack(file, 8, 64, 100)).containsExactly(new Read(4, "two"), new Read(0, "one"));
    assertThat(readBack(file, 0, 64, 100)).isEmpty();
  }

  @Test
  void aLineLongerThanTheLimitIsPassedOverWithoutItsBytes() throws IOException {
    Path file = dir.resolve("a.jsonl");
    Files.writeString(file, "first\n" + "x".repeat(1000) + "\nlast\n");
    assertThat(readBack(file, Files.size(file), 16, 100))
        .containsExactly(new Read(1007, "last"), new Read(6, "<too long>"), new Read(0, "first"));
  }

  @Provide
  Arbitrary<String> contents() {
    return Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.strings().withCharRange('a', 'e').ofMaxLength(9)),
            Tuple.of(3, Arbitraries.just("\n")),
            Tuple.of(1, Arbitraries.of("\u00e9", "\u20ac", "\uD83D\uDE00")))
        .list()
        .ofMaxSize(60)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 500)
  void anyContentAnyChunkGivesTheLinesOfAForwardSplit(
      @ForAll("contents") String content, @ForAll @IntRange(min = 1, max = 20) int chunk)
      throws IOException {
    Path file = Files.createTempFile("reverse-lines", ".txt");
    try {
      Files.writeString(file, content);
      assertThat(readBack(file, Files.size(file), chunk, 1_000)).isEqualTo(split(content));
    } finally {
      Files.delete(file);
    }
  }
}
