package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

class ValueTypePropertiesTest {
  private static final ValueType<Duration> UP_TO_AN_HOUR =
      ValueType.duration(Duration.ZERO, Duration.ofHours(1));

  @Property
  void formattedDurationParsesBackToItself(@ForAll @LongRange(min = 0, max = 3_600_000) long ms) {
    Duration d = Duration.ofMillis(ms);

    assertThat(UP_TO_AN_HOUR.parse(Durations.format(d))).isEqualTo(d);
  }

  @Property
  void bareNumberTextAndNumberAgreeOnSeconds(@ForAll @IntRange(min = 0, max = 3600) int seconds) {
    assertThat(UP_TO_AN_HOUR.parse(Integer.toString(seconds)))
        .isEqualTo(UP_TO_AN_HOUR.parse((long) seconds))
        .isEqualTo(Duration.ofSeconds(seconds));
  }

  @Property
  void durationsAboveTheMaximumAreRejected(
      @ForAll @LongRange(min = 3_601, max = 999_999_999) long seconds) {
    assertThatThrownBy(() -> UP_TO_AN_HOUR.parse(seconds + "s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside 0s..1h");
  }

  @Property
  void integerAcceptsExactlyItsRange(@ForAll @IntRange(min = -50, max = 50) int value) {
    ValueType<Integer> type = ValueType.integer(-10, 10);
    boolean inRange = value >= -10 && value <= 10;

    if (inRange) {
      assertThat(type.parse(Integer.toString(value))).isEqualTo(value);
      assertThat(type.parse((long) value)).isEqualTo(value);
    } else {
      assertThatThrownBy(() -> type.parse(Integer.toString(value)))
          .hasMessage("got " + value + ", which is outside -10..10");
    }
  }

  @Property
  void commaJoinedItemsSplitBackIntoTheItems(@ForAll("listItems") List<String> items) {
    assertThat(ValueType.stringList().parse(String.join(" , ", items)))
        .isEqualTo(ValueType.stringList().parse(items))
        .containsExactlyElementsOf(items);
  }

  @Provide
  Arbitrary<List<String>> listItems() {
    return Arbitraries.strings()
        .alpha()
        .numeric()
        .ofMinLength(1)
        .ofMaxLength(8)
        .list()
        .ofMaxSize(6);
  }

  @Property
  void showNeverExceedsSixtyTwoCharacters(@ForAll @StringLength(max = 500) String raw) {
    assertThat(ValueType.show(raw).length()).isLessThanOrEqualTo(62);
  }

  @Property
  void choiceIgnoresCase(@ForAll CoreKeys.LogLevel level, @ForAll boolean upper) {
    String name = upper ? level.name() : level.name().toLowerCase(java.util.Locale.ROOT);

    assertThat(ValueType.choice(CoreKeys.LogLevel.class).parse(name)).isEqualTo(level);
  }

  @Property
  void secretsStayOutOfEveryParseErrorOfTheLoaderForAnyToken(@ForAll("tokens") String token) {
    // a secret-typed integer (so every non-numeric token is a type error)
    ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(
        ConfigException.class,
        () -> new ConfigLoader(TestKeys.schema())
            .load(
                java.nio.file.Path.of("/nonexistent"), Map.of("SWITCHBOARD_TELEGRAM_PIN", token)));

    assertThat(e.getMessage()).doesNotContain(token);
  }

  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withCharRange('A', 'Z')
        .ofMinLength(8)
        .ofMaxLength(40);
  }
}
