package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.CoreKeys.BusyPolicySetting;
import dev.switchboard.config.CoreKeys.ServiceManagerSetting;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypeTest {
  @Nested
  class DurationValues {
    private final ValueType<Duration> type = ValueType.duration(Duration.ZERO, Duration.ofHours(1));

    @ParameterizedTest(name = "[{index}] {0} = {1} ms")
    @CsvSource({
      "60s, 60000",
      "2m, 120000",
      "500ms, 500",
      "1h, 3600000",
      "60, 60000",
      "0, 0",
      "' 45s ', 45000",
      "10 s, 10000",
      "3M, 180000",
      "250MS, 250",
    })
    void textForms(String raw, long millis) {
      assertThat(type.parse(raw)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void wholeNumbersMeanSeconds() {
      assertThat(type.parse(90L)).isEqualTo(Duration.ofSeconds(90));
      assertThat(type.parse(90)).isEqualTo(Duration.ofSeconds(90));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "1.5s", "-5s", "1d", "5 sec", "1h30m", "s", "1234567890s"})
    void badTextIsRejectedQuotingIt(String raw) {
      assertThatThrownBy(() -> type.parse(raw))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("got '" + raw + "'");
    }

    @Test
    void fractionalNumbersAreRejected() {
      assertThatThrownBy(() -> type.parse(1.5d)).hasMessage("got 1.5");
      assertThatThrownBy(() -> type.parse(2.0f)).hasMessage("got 2.0");
    }

    @Test
    void otherTypesAreRejected() {
      assertThatThrownBy(() -> type.parse(true)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> type.parse(List.of("5s")))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void boundsAreInclusive() {
      ValueType<Duration> bounded =
          ValueType.duration(Duration.ofSeconds(1), Duration.ofMinutes(10));

      assertThat(bounded.parse("1s")).isEqualTo(Duration.ofSeconds(1));
      assertThat(bounded.parse("10m")).isEqualTo(Duration.ofMinutes(10));
      assertThat(bounded.parse("1000ms")).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void belowMinimumNamesTheRange() {
      ValueType<Duration> bounded =
          ValueType.duration(Duration.ofSeconds(1), Duration.ofMinutes(10));

      assertThatThrownBy(() -> bounded.parse("999ms"))
          .hasMessage("got '999ms', which is outside 1s..10m");
    }

    @Test
    void aboveMaximumNamesTheRange() {
      assertThatThrownBy(() -> type.parse("61m")).hasMessage("got '61m', which is outside 0s..1h");
      assertThatThrownBy(() -> type.parse(3601L)).hasMessage("got 3601, which is outside 0s..1h");
    }

    @Test
    void negativeNumberIsOutOfRange() {
      assertThatThrownBy(() -> type.parse(-1L)).hasMessageContaining("outside 0s..1h");
    }

    @Test
    void expectedDescribesFormsAndRange() {
      assertThat(
              ValueType.duration(Duration.ofMillis(100), Duration.ofMinutes(5)).expected())
          .isEqualTo("a duration such as 60s, 2m or 500ms (a whole number of at most 9 digits"
              + " and a unit: ms, s, m or h; a bare number means seconds) between 100ms and 5m");
    }

    @Test
    void hugeBigIntegerIsRejectedNotWrapped() {
      BigInteger wrapsTo30 = BigInteger.TWO.pow(64).add(BigInteger.valueOf(30));

      assertThatThrownBy(() -> type.parse(wrapsTo30)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Integers {
    private final ValueType<Integer> type = ValueType.integer(1, 1000);

    @Test
    void numbersOfEveryIntegralWidth() {
      assertThat(type.parse(5L)).isEqualTo(5);
      assertThat(type.parse(5)).isEqualTo(5);
      assertThat(type.parse((short) 5)).isEqualTo(5);
    }

    @ParameterizedTest
    @CsvSource({"42, 42", "' 7 ', 7", "1, 1", "1000, 1000"})
    void text(String raw, int expected) {
      assertThat(type.parse(raw)).isEqualTo(expected);
    }

    @Test
    void negativeTextWhenTheRangeAllowsIt() {
      assertThat(ValueType.integer(-10, 10).parse("-3")).isEqualTo(-3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "1.5", "1e3", "12345678901", "+5", "5 apples", "0x10"})
    void badTextIsRejected(String raw) {
      assertThatThrownBy(() -> type.parse(raw))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("got '" + raw + "'");
    }

    @Test
    void fractionalAndNonNumbersAreRejected() {
      assertThatThrownBy(() -> type.parse(5.0d)).hasMessage("got 5.0");
      assertThatThrownBy(() -> type.parse(true)).hasMessage("got true");
    }

    @Test
    void outOfRangeNamesTheRange() {
      assertThatThrownBy(() -> type.parse(0L)).hasMessage("got 0, which is outside 1..1000");
      assertThatThrownBy(() -> type.parse("1001")).hasMessage("got 1001, which is outside 1..1000");
    }

    @Test
    void tenDigitTextBeyondIntRangeIsOutOfRangeNotOverflowed() {
      assertThatThrownBy(() -> ValueType.integer(0, Integer.MAX_VALUE).parse("9999999999"))
          .hasMessage("got 9999999999, which is outside 0..2147483647");
    }

    @Test
    void longBeyondIntRangeIsOutOfRangeNotOverflowed() {
      // 2^32 + 5 would be 5 if narrowed to int before the range check
      assertThatThrownBy(() -> type.parse(4_294_967_301L)).hasMessageContaining("outside 1..1000");
    }

    @Test
    void expected() {
      assertThat(type.expected()).isEqualTo("a whole number between 1 and 1000");
    }

    @Test
    void bigNumbersAreNotSilentlyNarrowed() {
      BigInteger wrapsTo5 = BigInteger.TWO.pow(64).add(BigInteger.valueOf(5));

      assertThatThrownBy(() -> type.parse(wrapsTo5)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> type.parse(new BigDecimal("5.7")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Booleans {
    private final ValueType<Boolean> type = ValueType.bool();

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True", " yes ", "on", "1", "Yes", "ON"})
    void trueWords(String raw) {
      assertThat(type.parse(raw)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "FALSE", "no", " No ", "off", "0"})
    void falseWords(String raw) {
      assertThat(type.parse(raw)).isFalse();
    }

    @Test
    void booleans() {
      assertThat(type.parse(Boolean.TRUE)).isTrue();
      assertThat(type.parse(Boolean.FALSE)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "maybe", "y", "n", "2", "truee", "enabled"})
    void otherWordsAreRejected(String raw) {
      assertThatThrownBy(() -> type.parse(raw)).hasMessage("got '" + raw + "'");
    }

    @Test
    void numbersAreRejectedEvenOneAndZero() {
      assertThatThrownBy(() -> type.parse(1L)).hasMessage("got 1");
      assertThatThrownBy(() -> type.parse(0L)).hasMessage("got 0");
    }

    @Test
    void expected() {
      assertThat(type.expected()).isEqualTo("true or false");
    }
  }

  @Nested
  class Strings {
    private final ValueType<String> type = ValueType.string();

    @Test
    void textIsTrimmed() {
      assertThat(type.parse("  claude  ")).isEqualTo("claude");
    }

    @Test
    void numbersAndBooleansBecomeText() {
      assertThat(type.parse(42L)).isEqualTo("42");
      assertThat(type.parse(false)).isEqualTo("false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t\n"})
    void blankIsRejected(String raw) {
      assertThatThrownBy(() -> type.parse(raw)).hasMessage("got an empty value");
    }

    @Test
    void listsMapsAndNullAreRejected() {
      assertThatThrownBy(() -> type.parse(List.of("a"))).hasMessage("got [a]");
      assertThatThrownBy(() -> type.parse(Map.of("a", 1))).hasMessage("got {a=1}");
      assertThatThrownBy(() -> type.parse(null)).hasMessage("got null");
    }
  }

  @Nested
  class Choices {
    private final ValueType<ServiceManagerSetting> type =
        ValueType.choice(ServiceManagerSetting.class);

    @ParameterizedTest
    @CsvSource({"systemd, SYSTEMD", "KUBERNETES, KUBERNETES", "' none ', NONE", "Auto, AUTO"})
    void namesAreCaseInsensitiveAndTrimmed(String raw, ServiceManagerSetting expected) {
      assertThat(type.parse(raw)).isEqualTo(expected);
    }

    @Test
    void unknownNameIsRejectedQuotingIt() {
      assertThatThrownBy(() -> type.parse("upstart")).hasMessage("got 'upstart'");
    }

    @Test
    void nonTextIsRejected() {
      assertThatThrownBy(() -> type.parse(1L)).hasMessage("got 1");
      assertThatThrownBy(() -> type.parse(false)).hasMessage("got false");
    }

    @Test
    void expectedListsTheLowerCaseNamesInDeclarationOrder() {
      assertThat(ValueType.choice(BusyPolicySetting.class).expected())
          .isEqualTo("one of interrupt, queue");
      assertThat(type.expected())
          .isEqualTo("one of auto, systemd, s6, runit, launchd, kubernetes, container, none");
    }
  }

  @Nested
  class StringLists {
    private final ValueType<List<String>> type = ValueType.stringList();

    @Test
    void yamlListItemsAreTrimmedAndBlanksDropped() {
      assertThat(type.parse(List.of(" alice ", "", "bob", "   "))).containsExactly("alice", "bob");
    }

    @Test
    void listOfNumbersAndBooleansBecomesText() {
      assertThat(type.parse(List.of(42L, true))).containsExactly("42", "true");
    }

    @Test
    void commaSeparatedText() {
      assertThat(type.parse("alice, bob ,,carol,")).containsExactly("alice", "bob", "carol");
    }

    @Test
    void singleNumberIsAOneItemList() {
      assertThat(type.parse(12345L)).containsExactly("12345");
    }

    @Test
    void emptyTextIsAnEmptyList() {
      assertThat(type.parse("")).isEmpty();
      assertThat(type.parse(" , ")).isEmpty();
    }

    @Test
    void resultIsImmutable() {
      List<String> parsed = type.parse("a,b");

      assertThatThrownBy(() -> parsed.add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nestedListsMapsAndNullItemsAreRejected() {
      assertThatThrownBy(() -> type.parse(List.of(List.of("a"))))
          .hasMessage("got a list containing [a]");
      assertThatThrownBy(() -> type.parse(List.of(Map.of("a", "b"))))
          .hasMessage("got a list containing {a=b}");
      assertThatThrownBy(() -> type.parse(Arrays.asList("a", null)))
          .hasMessage("got a list containing null");
    }

    @Test
    void booleanAndMapAreRejected() {
      assertThatThrownBy(() -> type.parse(true)).hasMessage("got true");
      assertThatThrownBy(() -> type.parse(Map.of())).hasMessage("got {}");
    }
  }

  @Nested
  class Show {
    @Test
    void textIsQuotedOtherValuesAreNot() {
      assertThat(ValueType.show("abc")).isEqualTo("'abc'");
      assertThat(ValueType.show(12L)).isEqualTo("12");
      assertThat(ValueType.show(null)).isEqualTo("null");
    }

    @Test
    void longValuesAreShortenedToSixtyCharacters() {
      String shown = ValueType.show("x".repeat(200));

      assertThat(shown).isEqualTo("'" + "x".repeat(57) + "...'");
    }

    @Test
    void sixtyCharactersAreShownWhole() {
      assertThat(ValueType.show("y".repeat(60))).isEqualTo("'" + "y".repeat(60) + "'");
    }

    @Test
    void badValueMessageIsBoundedInLength() {
      String huge = "z".repeat(10_000);

      assertThatThrownBy(() -> ValueType.integer(0, 1).parse(huge)).message().hasSizeLessThan(80);
    }
  }

  @Nested
  class DecimalValues {
    private final ValueType<Double> type = ValueType.decimal(0, 2);

    @Test
    void numbersAndTextAreTaken() {
      assertThat(type.parse(0.7d)).isEqualTo(0.7);
      assertThat(type.parse(1L)).isEqualTo(1.0);
      assertThat(type.parse(" 1.25 ")).isEqualTo(1.25);
      assertThat(type.parse("2")).isEqualTo(2.0);
    }

    @Test
    void expectedStatesTheRangeAndWhatTextMayLookLike() {
      assertThat(type.expected())
          .isEqualTo("a number such as 0.7 (as text, as the environment writes it: at most 9"
              + " digits on either side of one optional decimal point, no exponent) between 0.0"
              + " and 2.0");
      assertThat(type.parse(1e-1)).as("a YAML number may have an exponent").isEqualTo(0.1);
      assertThatThrownBy(() -> type.parse("0." + "1".repeat(10)))
          .as("ten digits after the point, as text")
          .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "warm", "1e3", "NaN", "0.5.1", "2.01", "-0.1"})
    void badOrOutOfRangeValuesAreRejected(String raw) {
      assertThatThrownBy(() -> type.parse(raw))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("got '" + raw + "'");
    }

    @Test
    void otherTypesAreRejected() {
      assertThatThrownBy(() -> type.parse(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> type.parse(true)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> type.parse(new BigDecimal("0.5")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
