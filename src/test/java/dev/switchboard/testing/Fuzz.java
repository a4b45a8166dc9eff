package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generators for fuzzing the parsers of outside input (the {@code *FuzzTest} classes), and the
 * per-try time limit they run each parser under.
 *
 * <p>Two kinds of input: valid-but-odd JSON, made by taking a valid sample of what the platform
 * sends and mutating it (a value replaced by one of the wrong type, a huge number, a lone
 * surrogate, deep nesting, null; a field removed or added), and arbitrary text (any UTF-16
 * string, random bytes read as UTF-8, JSON-like token soup, a valid sample cut short).
 */
public final class Fuzz {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** How long one parser call may take before the try counts as a hang. */
  public static final Duration PER_TRY = Duration.ofSeconds(30);

  private Fuzz() {}

  /**
   * Runs {@code parse} on a thread of its own and returns its result; fails the try if it has
   * not returned within {@link #PER_TRY} (interrupting it). Whatever it throws is rethrown as is,
   * so the caller can check it is the documented failure.
   */
  public static <T> T within(Callable<T> parse) throws Exception {
    FutureTask<T> task = new FutureTask<>(parse);
    Thread thread = Thread.ofVirtual().name("fuzz-try").start(task);
    try {
      return task.get(PER_TRY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      thread.interrupt();
      return fail("no answer within " + PER_TRY.toSeconds() + " s: the parser hangs");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception x) {
        throw x;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** {@link #within(Callable)} for a parser with no result. */
  public static void within(ThrowingRunnable parse) throws Exception {
    within(() -> {
      parse.run();
      return null;
    });
  }

  /** A block that may throw anything. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** Waits for a future the fuzzed input decides, within {@link #PER_TRY}. */
  public static <T> T await(Future<T> future) throws Exception {
    try {
      return future.get(PER_TRY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail("no answer within " + PER_TRY.toSeconds() + " s");
    }
  }

  // ---------------------------------------------------------------- strings

  /** Strings a parser should survive: any UTF-16 text, lone surrogates, controls, odd Unicode. */
  public static Arbitrary<String> oddStrings() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.strings().all().ofMaxLength(40)),
        Tuple.of(2, Arbitraries.strings().ascii().ofMaxLength(20)),
        Tuple.of(
            4,
            Arbitraries.of(
                "",
                " ",
                "\u0000",
                "\uD800",
                "\uDC00",
                "a\uD83Db",
                "\uDE00\uD83D",
                "\uD83D\uDE00",
                "\uFEFF",
                "\u202E\u202D",
                "\u200B\u200D",
                "e\u0301\u0301\u0301",
                "\n",
                "\r\n",
                "\t",
                "null",
                "true",
                "-1",
                "0",
                "1e400",
                "NaN",
                "9223372036854775808",
                "${jndi:ldap://x}",
                "'; DROP TABLE inbound; --",
                "<script>alert(1)</script>",
                "../../.env",
                "%s%n%x",
                "\\",
                "\"",
                "@",
                "/start",
                "/status@other_bot",
                "\u4e2d\u6587")),
        Tuple.of(
            1,
            Arbitraries.strings()
                .withChars('a', '*', '_', '`', '[', '(', '@', ' ')
                .ofMinLength(1_000)
                .ofMaxLength(5_000)));
  }

  /** Random bytes read as UTF-8 (malformed sequences become U+FFFD, as a reader would see). */
  public static Arbitrary<String> bytesAsUtf8() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofMaxSize(200)
        .map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /** Text made of JSON's tokens in any order: the parser's own error paths. */
  public static Arbitrary<String> jsonSoup() {
    return Arbitraries.of(
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "\"",
            "\"a\"",
            "\"op\"",
            "\"d\"",
            "\"t\"",
            "\"s\"",
            "1",
            "-0",
            "1e999",
            "99999999999999999999999",
            "0.5",
            "true",
            "false",
            "null",
            " ",
            "\n",
            "\\u",
            "\\uD800",
            "/*",
            "//",
            "NaN",
            "'x'")
        .list()
        .ofMaxSize(40)
        .map(tokens -> String.join("", tokens));
  }

  /** Nesting far beyond anything real: {@code [[[[...]]]]} and unbalanced variants. */
  public static Arbitrary<String> deepNesting() {
    return Combinators.combine(
            Arbitraries.integers().between(100, 5_000),
            Arbitraries.of("[", "{\"a\":"),
            Arbitraries.of(true, false))
        .as((depth, open, closed) -> {
          String close = open.equals("[") ? "]" : "}";
          return open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
        });
  }

  /** Arbitrary text: none of it is what the parser expects, except by chance. */
  public static Arbitrary<String> garbage() {
    return Arbitraries.oneOf(oddStrings(), bytesAsUtf8(), jsonSoup(), deepNesting());
  }

  /**
   * What arrives on the wire instead of {@code valid}: the sample mutated, cut short, or
   * garbage.
   */
  public static Arbitrary<String> textInsteadOf(JsonNode valid) {
    String text = valid.toString();
    return Arbitraries.frequencyOf(
        Tuple.of(6, mutated(valid).map(JsonNode::toString)),
        Tuple.of(
            2, Arbitraries.integers().between(0, text.length()).map(i -> text.substring(0, i))),
        Tuple.of(3, garbage()));
  }

  // ---------------------------------------------------------------- JSON values

  /** One JSON value a parser does not expect in that place. */
  public static Arbitrary<JsonNode> oddValues() {
    Arbitrary<JsonNode> scalars = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(NODES.nullNode())),
        Tuple.of(2, Arbitraries.of(true, false).map(NODES::booleanNode)),
        Tuple.of(
            3,
            Arbitraries.<Long>of(
                    0L,
                    -1L,
                    1L,
                    (long) Integer.MAX_VALUE,
                    (long) Integer.MIN_VALUE,
                    (long) Integer.MAX_VALUE + 1,
                    4_294_967_297L,
                    Long.MAX_VALUE,
                    Long.MIN_VALUE,
                    -4_611_686_018_427_387_904L)
                .map(l -> NODES.numberNode(l))),
        Tuple.of(2, Arbitraries.longs().map(l -> NODES.numberNode(l))),
        Tuple.of(
            2,
            Arbitraries.of(
                    "9223372036854775808", "-99999999999999999999999999", "1" + "0".repeat(400))
                .map(s -> NODES.numberNode(new BigInteger(s)))),
        Tuple.of(
            2,
            Arbitraries.of("0.5", "-0.0", "1e308", "-1e308", "1e-400", "3.14159e10", "1e999")
                .map(s -> NODES.numberNode(new BigDecimal(s)))),
        Tuple.of(
            2,
            Arbitraries.<Double>of(Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 1.5)
                .map(d -> NODES.numberNode(d))),
        Tuple.of(6, oddStrings().map(NODES::stringNode)));
    Arbitrary<JsonNode> containers = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(NODES.objectNode())),
        Tuple.of(2, Arbitraries.just(NODES.arrayNode())),
        Tuple.of(2, scalars.list().ofMaxSize(4).map(items -> {
          ArrayNode a = NODES.arrayNode();
          items.forEach(a::add);
          return a;
        })),
        Tuple.of(2, Combinators.combine(oddStrings(), scalars).as((k, v) -> {
          ObjectNode o = NODES.objectNode();
          o.set(k, v);
          return o;
        })),
        Tuple.of(1, Arbitraries.integers().between(20, 300).map(Fuzz::nested)));
    return Arbitraries.frequencyOf(Tuple.of(5, scalars), Tuple.of(2, containers));
  }

  private static JsonNode nested(int depth) {
    JsonNode n = NODES.numberNode(1);
    for (int i = 0; i < depth; i++) {
      if (i % 2 == 0) {
        n = NODES.arrayNode().add(n);
      } else {
        ObjectNode o = NODES.objectNode();
        o.set("a", n);
        n = o;
      }
    }
    return n;
  }

  /** One change to a JSON tree; which node it hits is chosen by {@code target}. */
  public record Mutation(int target, Kind kind, JsonNode value, String name) {
    /** What the mutation does to the node it hits. */
    public enum Kind {
      REPLACE,
      REMOVE,
      ADD_FIELD,
      WRAP_IN_ARRAY
    }
  }

  private static Arbitrary<Mutation> mutations() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 10_000),
            Arbitraries.frequency(
                Tuple.of(6, Mutation.Kind.REPLACE),
                Tuple.of(3, Mutation.Kind.REMOVE),
                Tuple.of(1, Mutation.Kind.ADD_FIELD),
                Tuple.of(1, Mutation.Kind.WRAP_IN_ARRAY)),
            oddValues(),
            Arbitraries.oneOf(oddStrings(), Arbitraries.of("id", "text", "type", "op", "d", "s")))
        .as(Mutation::new);
  }

  /** {@code valid} with one to four mutations: valid JSON, odd content. */
  public static Arbitrary<JsonNode> mutated(JsonNode valid) {
    return mutations().list().ofMinSize(1).ofMaxSize(4).map(ms -> apply(valid, ms));
  }

  /** The mutations applied in order to a copy of {@code valid}. */
  public static JsonNode apply(JsonNode valid, List<Mutation> mutations) {
    JsonNode root = valid.deepCopy();
    for (Mutation m : mutations) {
      List<Slot> slots = new ArrayList<>();
      collect(root, slots);
      if (slots.isEmpty()) {
        break;
      }
      Slot slot = slots.get(m.target() % slots.size());
      JsonNode value = m.value().deepCopy();
      switch (m.kind()) {
        case REPLACE -> slot.set(value);
        case REMOVE -> slot.remove();
        case WRAP_IN_ARRAY -> slot.set(NODES.arrayNode().add(slot.get()));
        case ADD_FIELD -> {
          JsonNode target = slot.get();
          if (target instanceof ObjectNode o) {
            o.set(m.name(), value);
          } else if (target instanceof ArrayNode a) {
            a.add(value);
          } else {
            slot.set(value);
          }
        }
      }
    }
    return root;
  }

  /** A place in a tree that holds a value: a field of an object or an element of an array. */
  private record Slot(JsonNode parent, String field, int index) {
    JsonNode get() {
      return parent instanceof ObjectNode o ? o.get(field) : parent.get(index);
    }

    void set(JsonNode value) {
      if (parent instanceof ObjectNode o) {
        o.set(field, value);
      } else {
        ((ArrayNode) parent).set(index, value);
      }
    }

    void remove() {
      if (parent instanceof ObjectNode o) {
        o.remove(field);
      } else {
        ((ArrayNode) parent).remove(index);
      }
    }
  }

  private static void collect(JsonNode node, List<Slot> out) {
    if (node instanceof ObjectNode o) {
      Iterator<Map.Entry<String, JsonNode>> fields = o.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        out.add(new Slot(o, f.getKey(), -1));
        collect(f.getValue(), out);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        out.add(new Slot(a, "", i));
        collect(a.get(i), out);
      }
    }
  }
}
