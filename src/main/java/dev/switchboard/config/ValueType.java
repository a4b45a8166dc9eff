package dev.switchboard.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a raw setting (a YAML scalar or list, or an environment string) becomes a typed value.
 * {@link #parse} throws {@link IllegalArgumentException} whose message says what was wrong; the
 * loader adds the key, the origin and {@link #expected()}.
 */
public interface ValueType<T> {
  T parse(Object raw);

  /** What a valid value looks like, for error messages: "a duration such as 60s". */
  String expected();

  static ValueType<Duration> duration(Duration min, Duration max) {
    return new DurationType(min, max);
  }

  static ValueType<Integer> integer(int min, int max) {
    return new IntegerType(min, max);
  }

  static ValueType<Double> decimal(double min, double max) {
    return new DecimalType(min, max);
  }

  static ValueType<Boolean> bool() {
    return BooleanType.INSTANCE;
  }

  static ValueType<String> string() {
    return StringType.INSTANCE;
  }

  static <E extends Enum<E>> ValueType<E> choice(Class<E> type) {
    return new ChoiceType<>(type);
  }

  static ValueType<List<String>> stringList() {
    return StringListType.INSTANCE;
  }

  /**
   * Only Java's fixed-size whole numbers are taken as numbers: a BigInteger or BigDecimal would
   * be silently narrowed by {@code longValue()} (2^64+5 read as 5, 5.7 as 5).
   */
  private static boolean isWholeMachineNumber(Object raw) {
    return raw instanceof Long
        || raw instanceof Integer
        || raw instanceof Short
        || raw instanceof Byte;
  }

  /** Renders a raw value for an error message, shortened so one bad value cannot flood a log. */
  static String show(Object raw) {
    String s = String.valueOf(raw);
    if (s.length() > 60) {
      s = s.substring(0, 57) + "...";
    }
    return raw instanceof String ? "'" + s + "'" : s;
  }

  final class DurationType implements ValueType<Duration> {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)?");
    private final Duration min;
    private final Duration max;

    DurationType(Duration min, Duration max) {
      this.min = min;
      this.max = max;
    }

    @Override
    public Duration parse(Object raw) {
      Duration d;
      if (isWholeMachineNumber(raw)) {
        d = Duration.ofSeconds(((Number) raw).longValue());
      } else if (raw instanceof String s) {
        Matcher m = FORM.matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
          throw new IllegalArgumentException("got " + show(raw));
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        d = switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofSeconds(amount);
        };
      } else {
        throw new IllegalArgumentException("got " + show(raw));
      }
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException("got " + show(raw) + ", which is outside "
            + Durations.format(min) + ".." + Durations.format(max));
      }
      return d;
    }

    @Override
    public String expected() {
      return "a duration such as 60s, 2m or 500ms (a whole number of at most 9 digits and a unit:"
          + " ms, s, m or h; a bare number means seconds) between " + Durations.format(min)
          + " and " + Durations.format(max);
    }
  }

  final class IntegerType implements ValueType<Integer> {
    private final int min;
    private final int max;

    IntegerType(int min, int max) {
      this.min = min;
      this.max = max;
    }

    @Override
    public Integer parse(Object raw) {
      long v;
      if (isWholeMachineNumber(raw)) {
        v = ((Number) raw).longValue();
      } else if (raw instanceof String s && s.trim().matches("-?\\d{1,10}")) {
        v = Long.parseLong(s.trim());
      } else {
        throw new IllegalArgumentException("got " + show(raw));
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException("got " + v + ", which is outside " + min + ".." + max);
      }
      return (int) v;
    }

    @Override
    public String expected() {
      return "a whole number between " + min + " and " + max;
    }
  }

  final class DecimalType implements ValueType<Double> {
    private static final Pattern FORM = Pattern.compile("-?\\d{1,9}(\\.\\d{1,9})?");
    private final double min;
    private final double max;

    DecimalType(double min, double max) {
      this.min = min;
      this.max = max;
    }

    @Override
    public Double parse(Object raw) {
      double v;
      if (isWholeMachineNumber(raw)) {
        v = ((Number) raw).longValue();
      } else if (raw instanceof Double || raw instanceof Float) {
        v = ((Number) raw).doubleValue();
      } else if (raw instanceof String s && FORM.matcher(s.trim()).matches()) {
        v = Double.parseDouble(s.trim());
      } else {
        throw new IllegalArgumentException("got " + show(raw));
      }
      if (!(v >= min && v <= max)) {
        throw new IllegalArgumentException(
            "got " + show(raw) + ", which is outside " + min + ".." + max);
      }
      return v;
    }

    @Override
    public String expected() {
      return "a number such as 0.7 (as text, as the environment writes it: at most 9 digits on"
          + " either side of one optional decimal point, no exponent) between " + min + " and "
          + max;
    }
  }

  final class BooleanType implements ValueType<Boolean> {
    static final BooleanType INSTANCE = new BooleanType();

    @Override
    public Boolean parse(Object raw) {
      if (raw instanceof Boolean b) {
        return b;
      }
      if (raw instanceof String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
          case "true", "yes", "on", "1" -> {
            return true;
          }
          case "false", "no", "off", "0" -> {
            return false;
          }
          default -> {}
        }
      }
      throw new IllegalArgumentException("got " + show(raw));
    }

    @Override
    public String expected() {
      return "true or false";
    }
  }

  final class StringType implements ValueType<String> {
    static final StringType INSTANCE = new StringType();

    @Override
    public String parse(Object raw) {
      if (raw instanceof String s && !s.isBlank()) {
        return s.trim();
      }
      if (raw instanceof Number || raw instanceof Boolean) {
        return String.valueOf(raw);
      }
      throw new IllegalArgumentException(
          raw instanceof String ? "got an empty value" : "got " + show(raw));
    }

    @Override
    public String expected() {
      return "a non-empty text value";
    }
  }

  final class ChoiceType<E extends Enum<E>> implements ValueType<E> {
    private final Class<E> type;

    ChoiceType(Class<E> type) {
      this.type = type;
    }

    @Override
    public E parse(Object raw) {
      if (raw instanceof String s) {
        String want = s.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
          if (name(e).equals(want)) {
            return e;
          }
        }
      }
      throw new IllegalArgumentException("got " + show(raw));
    }

    @Override
    public String expected() {
      List<String> names = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        names.add(name(e));
      }
      return "one of " + String.join(", ", names);
    }

    static String name(Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }
  }

  final class StringListType implements ValueType<List<String>> {
    static final StringListType INSTANCE = new StringListType();

    @Override
    public List<String> parse(Object raw) {
      List<String> out = new ArrayList<>();
      if (raw instanceof List<?> items) {
        for (Object item : items) {
          if (item instanceof List<?> || item instanceof Map<?, ?> || item == null) {
            throw new IllegalArgumentException("got a list containing " + show(item));
          }
          String s = String.valueOf(item).trim();
          if (!s.isEmpty()) {
            out.add(s);
          }
        }
        return List.copyOf(out);
      }
      if (raw instanceof String || raw instanceof Number) {
        Arrays.stream(String.valueOf(raw).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .forEach(out::add);
        return List.copyOf(out);
      }
      throw new IllegalArgumentException("got " + show(raw));
    }

    @Override
    public String expected() {
      return "a list of single values (in YAML) or a comma-separated text (in the"
          + " environment)";
    }
  }
}
