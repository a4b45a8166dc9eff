package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DotEnvFileTest {
  @TempDir
  Path dir;

  private static Map<String, DotEnvFile.Entry> parse(String... lines) {
    return DotEnvFile.parse(List.of(lines), ".env");
  }

  private static String value(String line) {
    Map<String, DotEnvFile.Entry> m = parse(line);
    assertThat(m).hasSize(1);
    return m.values().iterator().next().value();
  }

  @Test
  void plainAssignment() {
    assertThat(parse("A=1")).containsExactly(Map.entry("A", new DotEnvFile.Entry("1", 1)));
  }

  @Test
  void keepsFileOrderAndLineNumbersCountingBlankAndCommentLines() {
    Map<String, DotEnvFile.Entry> m = parse("# header", "", "B=2", "   ", "A=1");

    assertThat(m.keySet()).containsExactly("B", "A");
    assertThat(m.get("B").line()).isEqualTo(3);
    assertThat(m.get("A").line()).isEqualTo(5);
  }

  @Test
  void laterAssignmentOfTheSameNameWins() {
    Map<String, DotEnvFile.Entry> m = parse("A=1", "A=2");

    assertThat(m.get("A")).isEqualTo(new DotEnvFile.Entry("2", 2));
  }

  @ParameterizedTest(name = "[{index}] <{0}> -> <{1}>")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "A=hello world|hello world",
        "A = spaced |spaced",
        "  A=indented|indented",
        "export A=exported|exported",
        "export   A=several spaces|several spaces",
        "A=value # a comment|value",
        "A=abc#not-a-comment|abc#not-a-comment",
        "A=b=c|b=c",
        "A='single quoted'|single quoted",
        "A='  keeps spaces  '|`  keeps spaces  `",
        "A='no \\n escapes'|no \\n escapes",
        "A='has \"double\" inside'|has \"double\" inside",
        "A=\"double quoted\"|double quoted",
        "A=\"tab\\there\"|`tab\there`",
        "A=\"quote \\\" inside\"|quote \" inside",
        "A=\"back\\\\slash\"|back\\slash",
        "A=\"hash # inside\"|hash # inside",
        "A='quoted' # trailing comment|quoted",
        "A=\"quoted\"# comment right after|quoted",
        "A=\"unknown \\q escape\"|unknown q escape",
      })
  void values(String line, String expected) {
    assertThat(value(line)).isEqualTo(expected);
  }

  @Test
  void newlineEscapeInDoubleQuotes() {
    assertThat(value("A=\"one\\ntwo\\rthree\"")).isEqualTo("one\ntwo\rthree");
  }

  @Test
  void emptyValues() {
    assertThat(parse("A=", "B=''", "C=\"\""))
        .extractingFromEntries(e -> e.getValue().value())
        .containsExactly("", "", "");
  }

  @Test
  void exportAloneAsANameIsAnOrdinaryVariable() {
    assertThat(parse("export=1")).containsKey("export");
  }

  @Test
  void nameMayStartWithUnderscoreAndContainDigits() {
    assertThat(parse("_A1_B2=x")).containsKey("_A1_B2");
  }

  @Test
  void byteOrderMarkOnTheFirstLineIsIgnored() {
    Map<String, DotEnvFile.Entry> m = parse("\uFEFFSWITCHBOARD_BACKEND=echo");

    assertThat(m).containsOnlyKeys("SWITCHBOARD_BACKEND");
  }

  @Test
  void byteOrderMarkInAFileIsIgnored() throws IOException {
    Path f = dir.resolve(".env");
    Files.write(f, "\uFEFFA=1\nB=2\n".getBytes(StandardCharsets.UTF_8));

    assertThat(DotEnvFile.read(f)).containsOnlyKeys("A", "B");
  }

  @Test
  void commentLinesIncludingIndentedOnesAreSkipped() {
    assertThat(parse("# A=1", "   # B=2", "C=3")).containsOnlyKeys("C");
  }

  @Test
  void crlfLineEndingsInAFileAreHandled() throws IOException {
    Path f = dir.resolve(".env");
    Files.writeString(f, "A=1\r\nB='two'\r\n");

    Map<String, DotEnvFile.Entry> m = DotEnvFile.read(f);
    assertThat(m.get("A").value()).isEqualTo("1");
    assertThat(m.get("B").value()).isEqualTo("two");
  }

  @Test
  void missingFileIsEmpty() {
    assertThat(DotEnvFile.read(dir.resolve("nope.env"))).isEmpty();
  }

  @Test
  void invalidUtf8IsAConfigError() throws IOException {
    Path f = dir.resolve(".env");
    Files.write(f, new byte[] {'A', '=', (byte) 0xC3, (byte) 0x28, '\n'});

    assertThatThrownBy(() -> DotEnvFile.read(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not valid UTF-8 text");
  }

  @Test
  void readUsesTheFileNameInErrors() throws IOException {
    Path f = dir.resolve("custom.env");
    Files.writeString(f, "A=1\nnot an assignment\n");

    assertThatThrownBy(() -> DotEnvFile.read(f)).hasMessageStartingWith("custom.env line 2:");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "just-some-text",
        "1ABC=x",
        "A B=x",
        "A-B=x",
        "=value",
        "export",
        "A: x",
      })
  void malformedLineNamesTheLineNumberButNotTheContent(String bad) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> parse("OK=1", "# comment", bad));

    assertThat(e.key()).isNull();
    assertThat(e.getMessage())
        .isEqualTo(".env line 3: expected NAME=value, NAME being letters, digits and _ not"
            + " starting with a digit, optionally after 'export ' (the line is not shown because"
            + " it may hold a secret)");
  }

  @Test
  void malformedLineWithSecretLookingContentDoesNotEchoIt() {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> parse("TOKEN " + TestKeys.TOKEN_VALUE));

    assertThat(e.getMessage()).contains("line 1").doesNotContain(TestKeys.TOKEN_VALUE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"A='never closed", "A=\"never closed", "A=\"ends in backslash\\\""})
  void unclosedQuoteNamesVariableAndLine(String line) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("", line));

    assertThat(e.key()).isEqualTo("A");
    assertThat(e.getMessage())
        .isEqualTo("A: .env line 2: the quote that opens the value is never closed (multi-line"
            + " values are not supported)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"A='x'y", "A=\"x\" y", "A='x' 'y'"})
  void textAfterClosingQuoteIsRejectedWithoutEchoingIt(String line) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(line));

    assertThat(e.getMessage()).isEqualTo("A: .env line 1: unexpected text after the closing quote");
  }

  @Test
  void valueThatIsOnlyAnInlineCommentIsEmpty() {
    assertThat(value("A= # set this later")).isEmpty();
  }
}
