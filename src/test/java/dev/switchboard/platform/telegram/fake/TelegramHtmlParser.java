package dev.switchboard.platform.telegram.fake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Telegram's "HTML style" formatting, as the Bot API applies it for {@code parse_mode=HTML}: the
 * visible text and its entities, with offsets and lengths in UTF-16 code units.
 *
 * <p>The tag grammar, attribute rules, error texts and byte offsets follow TDLib's
 * {@code parse_html} (which the Bot API server runs). One deliberate difference in the default
 * {@link Strictness#STRICT} mode: the documentation says every {@code <} and {@code &} that is
 * not part of a tag or entity "must be replaced", and that only {@code &lt; &gt; &amp; &quot;}
 * and numeric references are supported, but TDLib itself keeps an unknown or bare {@code &}
 * literally and decodes {@code &lt} without its semicolon. STRICT rejects those, so a sender
 * that forgets to escape is caught; {@link Strictness#TELEGRAM} keeps TDLib's leniency. Inside
 * attribute values both modes are lenient, as TDLib is. A bare {@code >} is accepted by both.
 *
 * <p>Not modelled: the normalisation the server applies afterwards (merging adjacent entities of
 * one type, dropping formatting nested inside code/pre, auto-detected URL/mention entities).
 */
public final class TelegramHtmlParser {

  /** How to treat {@code &} sequences in text that Telegram tolerates but its docs forbid. */
  public enum Strictness {
    /** Reject bare {@code &}, unknown named entities and entities without {@code ;}. */
    STRICT,
    /** Exactly what TDLib does: keep such sequences literally, decode {@code &lt} etc. */
    TELEGRAM
  }

  /**
   * One Bot API MessageEntity. {@code url} for text_link, {@code language} for pre,
   * {@code customEmojiId} for custom_emoji, {@code userId} for text_mention; null otherwise.
   */
  public record Entity(
      String type,
      int offset,
      int length,
      String url,
      String language,
      String customEmojiId,
      Long userId) {

    public static Entity of(String type, int offset, int length) {
      return new Entity(type, offset, length, null, null, null, null);
    }

    public static Entity textLink(int offset, int length, String url) {
      return new Entity("text_link", offset, length, url, null, null, null);
    }

    public static Entity pre(int offset, int length, String language) {
      return new Entity("pre", offset, length, null, language, null, null);
    }

    /** The same entity over {@code [offset, offset + length)}. */
    public Entity at(int newOffset, int newLength) {
      return new Entity(type, newOffset, newLength, url, language, customEmojiId, userId);
    }
  }

  /** The visible text and its entities, sorted as Telegram sorts them. */
  public record Parsed(String text, List<Entity> entities) {
    public Parsed {
      entities = List.copyOf(entities);
    }
  }

  /** Telegram rejected the markup; the message is the part after "can't parse entities: ". */
  public static final class ParseException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ParseException(String message) {
      super(message);
    }
  }

  private static final Set<String> TAGS = Set.of(
      "a",
      "b",
      "strong",
      "i",
      "em",
      "s",
      "strike",
      "del",
      "u",
      "ins",
      "tg-spoiler",
      "tg-emoji",
      "span",
      "pre",
      "code",
      "blockquote");

  /** TDLib's entity priorities: with equal offset and length, lower sorts first. */
  private static final Map<String, Integer> PRIORITY = Map.ofEntries(
      Map.entry("mention", 50),
      Map.entry("hashtag", 50),
      Map.entry("bot_command", 50),
      Map.entry("url", 50),
      Map.entry("email", 50),
      Map.entry("bold", 90),
      Map.entry("italic", 91),
      Map.entry("code", 20),
      Map.entry("pre", 11),
      Map.entry("text_link", 49),
      Map.entry("text_mention", 49),
      Map.entry("cashtag", 50),
      Map.entry("phone_number", 50),
      Map.entry("underline", 92),
      Map.entry("strikethrough", 93),
      Map.entry("blockquote", 0),
      Map.entry("spoiler", 94),
      Map.entry("custom_emoji", 99),
      Map.entry("expandable_blockquote", 0));

  static final Comparator<Entity> TELEGRAM_ORDER = Comparator.comparingInt(Entity::offset)
      .thenComparing(Comparator.comparingInt(Entity::length).reversed())
      .thenComparingInt(e -> PRIORITY.getOrDefault(e.type(), 50));

  private TelegramHtmlParser() {}

  public static Parsed parse(String html) {
    return parse(html, Strictness.STRICT);
  }

  public static Parsed parse(String html, Strictness strictness) {
    return new Run(html, strictness == Strictness.STRICT).parse();
  }

  /** One parse; indexes are UTF-16 positions in the input, errors report UTF-8 byte offsets. */
  private static final class Run {
    private final String s;
    private final int n;
    private final boolean strict;
    private final StringBuilder out = new StringBuilder();
    private final List<Draft> entities = new ArrayList<>();
    private boolean decodedSurrogate;

    private record Open(String tag, String argument, int offset) {}

    /** An entity while parsing: pre and code may still merge into pre-with-language. */
    private static final class Draft {
      String type;
      final int offset;
      final int length;
      String argument;
      Long userId;

      Draft(String type, int offset, int length, String argument) {
        this.type = type;
        this.offset = offset;
        this.length = length;
        this.argument = argument;
      }
    }

    Run(String html, boolean strict) {
      this.s = html;
      this.n = html.length();
      this.strict = strict;
    }

    private char at(int i) {
      return i < n ? s.charAt(i) : 0;
    }

    private static boolean isSpace(char c) {
      return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 || c == 0x0B || c == '\f';
    }

    private static boolean isAlpha(char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private static boolean isAlnum(char c) {
      return isAlpha(c) || isDigit(c);
    }

    private int byteOffset(int index) {
      return s.substring(0, index).getBytes(StandardCharsets.UTF_8).length;
    }

    private ParseException error(String message) {
      return new ParseException(message);
    }

    Parsed parse() {
      if (s.indexOf('\0') >= 0) {
        throw error("Text must not contain null bytes");
      }
      Deque<Open> open = new ArrayDeque<>();
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c == '&') {
          int next = decodeInText(i);
          if (next >= 0) {
            i = next - 1;
            continue;
          }
        }
        if (c != '<') {
          out.append(c);
          continue;
        }
        int begin = i++;
        if (at(i) != '/') {
          i = startTag(begin, i, open);
        } else {
          i = endTag(begin, i, open);
        }
      }
      if (!open.isEmpty()) {
        throw error(
            "Can't find end tag corresponding to start tag \"" + open.peek().tag() + "\"");
      }
      if (decodedSurrogate) {
        throw error("Text contains invalid Unicode characters after decoding HTML entities, "
            + "check for unmatched surrogate code units");
      }
      List<Entity> result = new ArrayList<>();
      for (Draft d : entities) {
        result.add(
            switch (d.type) {
              case "pre" ->
                Entity.pre(d.offset, d.length, d.argument.isEmpty() ? null : d.argument);
              case "text_link" -> Entity.textLink(d.offset, d.length, d.argument);
              case "custom_emoji" ->
                new Entity(d.type, d.offset, d.length, null, null, d.argument, null);
              case "text_mention" ->
                new Entity(d.type, d.offset, d.length, null, null, null, d.userId);
              default -> Entity.of(d.type, d.offset, d.length);
            });
      }
      result.sort(TELEGRAM_ORDER);
      return new Parsed(out.toString(), result);
    }

    /** Parses a start tag whose '<' is at {@code begin}; returns the index of its '>'. */
    private int startTag(int begin, int i, Deque<Open> open) {
      while (!isSpace(at(i)) && at(i) != '>') {
        i++;
      }
      if (at(i) == 0) {
        throw error("Unclosed start tag at byte offset " + byteOffset(begin));
      }
      String tag = s.substring(begin + 1, i).toLowerCase(Locale.ROOT);
      if (!TAGS.contains(tag)) {
        throw error("Unsupported start tag \"" + tag + "\" at byte offset " + byteOffset(begin));
      }
      String argument = "";
      while (at(i) != '>') {
        while (at(i) != 0 && isSpace(at(i))) {
          i++;
        }
        if (at(i) == '>') {
          break;
        }
        int nameBegin = i;
        while (!isSpace(at(i))
            && at(i) != '='
            && at(i) != '>'
            && at(i) != '/'
            && at(i) != '"'
            && at(i) != '\'') {
          i++;
        }
        String name = s.substring(nameBegin, i);
        if (name.isEmpty()) {
          throw error("Empty attribute name in the tag \"" + tag + "\" at byte offset "
              + byteOffset(begin));
        }
        while (at(i) != 0 && isSpace(at(i))) {
          i++;
        }
        if (at(i) != '=') {
          if (at(i) == 0) {
            throw error("Unclosed start tag \"" + tag + "\" at byte offset " + byteOffset(begin));
          }
          if (tag.equals("blockquote") && name.equals("expandable")) {
            argument = "1";
          }
          continue;
        }
        i++;
        while (at(i) != 0 && isSpace(at(i))) {
          i++;
        }
        if (at(i) == 0) {
          throw error("Unclosed start tag \"" + tag + "\" at byte offset " + byteOffset(begin));
        }
        String value;
        if (at(i) != '\'' && at(i) != '"') {
          // a name token: letters, digits, periods and hyphens, not case sensitive
          int tokenBegin = i;
          while (isAlnum(at(i)) || at(i) == '.' || at(i) == '-') {
            i++;
          }
          value = s.substring(tokenBegin, i).toLowerCase(Locale.ROOT);
          if (!isSpace(at(i)) && at(i) != '>') {
            throw error("Unexpected end of name token at byte offset " + byteOffset(tokenBegin));
          }
        } else {
          char quote = at(i++);
          StringBuilder v = new StringBuilder();
          while (at(i) != quote && at(i) != 0) {
            if (at(i) == '&') {
              long decoded = decodeEntity(i);
              if (decoded >= 0) {
                v.appendCodePoint((int) (decoded >>> 32));
                i = (int) decoded;
                continue;
              }
            }
            v.append(at(i++));
          }
          if (at(i) == quote) {
            i++;
          }
          value = v.toString();
        }
        if (at(i) == 0) {
          throw error("Unclosed start tag at byte offset " + byteOffset(begin));
        }
        if (tag.equals("a") && name.equals("href")) {
          argument = value;
        } else if (tag.equals("code") && name.equals("class") && value.startsWith("language-")) {
          argument = value.substring(9);
        } else if (tag.equals("span") && name.equals("class") && value.startsWith("tg-")) {
          argument = value.substring(3);
        } else if (tag.equals("tg-emoji") && name.equals("emoji-id")) {
          argument = value;
        } else if (tag.equals("blockquote") && name.equals("expandable")) {
          argument = "1";
        }
      }
      if (tag.equals("span") && !argument.equals("spoiler")) {
        throw error(
            "Tag \"span\" must have class \"tg-spoiler\" at byte offset " + byteOffset(begin));
      }
      open.push(new Open(tag, argument, out.length()));
      return i;
    }

    /** Parses an end tag whose '<' is at {@code begin}; returns the index of its '>'. */
    private int endTag(int begin, int i, Deque<Open> open) {
      if (open.isEmpty()) {
        throw error("Unexpected end tag at byte offset " + byteOffset(begin));
      }
      while (!isSpace(at(i)) && at(i) != '>') {
        i++;
      }
      String name = s.substring(Math.min(begin + 2, i), i).toLowerCase(Locale.ROOT);
      while (isSpace(at(i)) && at(i) != 0) {
        i++;
      }
      if (at(i) != '>') {
        throw error("Unclosed end tag at byte offset " + byteOffset(begin));
      }
      Open o = open.peek();
      if (!name.isEmpty() && !name.equals(o.tag())) {
        throw error("Unmatched end tag at byte offset " + byteOffset(begin) + ", expected \"</"
            + o.tag() + ">\", found \"</" + name + ">\"");
      }
      int length = out.length() - o.offset();
      if (length > 0) {
        close(o, length);
      }
      open.pop();
      return i;
    }

    private void close(Open o, int length) {
      int offset = o.offset();
      Draft last = entities.isEmpty() ? null : entities.getLast();
      switch (o.tag()) {
        case "i", "em" -> entities.add(new Draft("italic", offset, length, ""));
        case "b", "strong" -> entities.add(new Draft("bold", offset, length, ""));
        case "s", "strike", "del" -> entities.add(new Draft("strikethrough", offset, length, ""));
        case "u", "ins" -> entities.add(new Draft("underline", offset, length, ""));
        case "tg-spoiler", "span" -> entities.add(new Draft("spoiler", offset, length, ""));
        case "tg-emoji" -> {
          if (!isPositiveLong(o.argument())) {
            throw error("Invalid custom emoji identifier specified");
          }
          entities.add(new Draft("custom_emoji", offset, length, o.argument()));
        }
        case "a" -> {
          String url = o.argument().isEmpty() ? out.substring(offset) : o.argument();
          Long userId = TelegramLinks.userId(url);
          if (userId != null) {
            Draft d = new Draft("text_mention", offset, length, "");
            d.userId = userId;
            entities.add(d);
          } else {
            String checked = TelegramLinks.checked(url);
            if (checked != null) {
              entities.add(new Draft("text_link", offset, length, checked));
            }
          }
        }
        case "pre" -> {
          if (last != null
              && last.type.equals("code")
              && last.offset == offset
              && last.length == length
              && !last.argument.isEmpty()) {
            last.type = "pre";
          } else {
            entities.add(new Draft("pre", offset, length, ""));
          }
        }
        case "code" -> {
          if (last != null
              && last.type.equals("pre")
              && last.offset == offset
              && last.length == length
              && !o.argument().isEmpty()) {
            last.argument = o.argument();
          } else {
            entities.add(new Draft("code", offset, length, o.argument()));
          }
        }
        case "blockquote" ->
          entities.add(new Draft(
              o.argument().isEmpty() ? "blockquote" : "expandable_blockquote", offset, length, ""));
        default -> throw new IllegalStateException(o.tag());
      }
    }

    private static boolean isPositiveLong(String s) {
      try {
        return Long.parseLong(s) != 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    /**
     * Decodes the '&' sequence at {@code i} in text and appends it; returns the index after it,
     * or -1 when TDLib would keep the '&' literally (TELEGRAM mode only).
     */
    private int decodeInText(int i) {
      long decoded = decodeEntity(i);
      if (decoded >= 0) {
        int end = (int) decoded;
        if (strict && at(end - 1) != ';') {
          throw error("Unterminated HTML entity \"" + s.substring(i, end) + "\" at byte offset "
              + byteOffset(i) + "; a ';' must end it");
        }
        int code = (int) (decoded >>> 32);
        if (code >= 0xD800 && code <= 0xDFFF) {
          decodedSurrogate = true;
        }
        out.appendCodePoint(code);
        return end;
      }
      if (strict) {
        int end = i + 1;
        if (at(end) == '#') {
          end++;
        }
        while (isAlnum(at(end))) {
          end++;
        }
        if (at(end) == ';') {
          end++;
        }
        if (end == i + 1) {
          throw error("Unescaped \"&\" at byte offset " + byteOffset(i) + "; use \"&amp;\"");
        }
        throw error("Unsupported HTML entity \"" + s.substring(i, end) + "\" at byte offset "
            + byteOffset(i) + "; only &lt; &gt; &amp; &quot; and numeric references are allowed");
      }
      return -1;
    }

    /**
     * TDLib's decode_html_entity at {@code pos} (which holds '&'): -1 when it is not a supported
     * entity, else {@code codePoint << 32 | indexAfter}.
     */
    private long decodeEntity(int pos) {
      int end = pos + 1;
      long code = 0;
      if (at(pos + 1) == '#') {
        end++;
        if (at(pos + 2) == 'x') {
          end++;
          while (Character.digit(at(end), 16) >= 0) {
            code = Math.min(code * 16 + Character.digit(at(end++), 16), 0x7FFFFFFFL);
          }
        } else {
          while (isDigit(at(end))) {
            code = Math.min(code * 10 + (at(end++) - '0'), 0x7FFFFFFFL);
          }
        }
        if (code == 0 || code >= 0x10FFFF || end - pos >= 10) {
          return -1;
        }
      } else {
        while (isAlpha(at(end))) {
          end++;
        }
        code = switch (s.substring(pos + 1, end)) {
          case "lt" -> '<';
          case "gt" -> '>';
          case "amp" -> '&';
          case "quot" -> '"';
          default -> -1;
        };
        if (code < 0) {
          return -1;
        }
      }
      if (at(end) == ';') {
        end++;
      }
      return code << 32 | end;
    }
  }
}
