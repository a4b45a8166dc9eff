package dev.switchboard.platform.telegram.fake;

import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.Entity;
import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.ParseException;
import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.Parsed;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text parameter of sendMessage/editMessageText (or the caption of a file) turned into what
 * Telegram stores: entities
 * parsed per parse_mode, leading and trailing whitespace trimmed (entities clipped), then the
 * empty and length checks. Only HTML and no parse mode are supported by the fake.
 */
final class MessageText {
  /** Telegram's limit, counted here in UTF-16 code units after parsing and trimming. */
  static final int MAX_LENGTH = 4096;
  /** The limit of a caption ("0-1024 characters after entities parsing"). */
  static final int MAX_CAPTION_LENGTH = 1024;

  private MessageText() {}

  /** The parse mode as recorded: null for none, else as the client spelled it. */
  static String parseMode(ApiRequest r) {
    String mode = r.string("parse_mode").orElse("");
    return mode.isEmpty() ? null : mode;
  }

  static Parsed visible(String raw, String parseMode) {
    if (raw == null || raw.isEmpty()) {
      throw ApiException.badRequest("message text is empty");
    }
    Parsed trimmed = parsedAndTrimmed(raw, parseMode);
    if (trimmed.text().isEmpty()) {
      throw ApiException.badRequest("message text is empty");
    }
    if (trimmed.text().length() > MAX_LENGTH) {
      throw ApiException.badRequest("message is too long");
    }
    return trimmed;
  }

  /** The caption parameter of a send of a file: like a text, but it may be empty. */
  static Parsed caption(String raw, String parseMode) {
    if (raw == null || raw.isEmpty()) {
      return new Parsed("", List.of());
    }
    Parsed trimmed = parsedAndTrimmed(raw, parseMode);
    if (trimmed.text().length() > MAX_CAPTION_LENGTH) {
      throw ApiException.badRequest("message caption is too long");
    }
    return trimmed;
  }

  private static Parsed parsedAndTrimmed(String raw, String parseMode) {
    Parsed parsed;
    String mode = parseMode == null ? "" : parseMode.toLowerCase(Locale.ROOT);
    switch (mode) {
      case "" -> parsed = new Parsed(raw, List.of());
      case "html" -> {
        try {
          parsed = TelegramHtmlParser.parse(raw);
        } catch (ParseException e) {
          throw ApiException.badRequest("can't parse entities: " + e.getMessage());
        }
      }
      // real Telegram supports these; the fake does not, and says so rather than guess
      case "markdown", "markdownv2" ->
        throw ApiException.badRequest("unsupported parse_mode (the fake implements only HTML)");
      default -> throw ApiException.badRequest("unsupported parse_mode");
    }
    return trim(parsed);
  }

  private static boolean isBlank(char c) {
    return c <= ' ';
  }

  static Parsed trim(Parsed p) {
    String text = p.text();
    int start = 0;
    int end = text.length();
    while (start < end && isBlank(text.charAt(start))) {
      start++;
    }
    while (end > start && isBlank(text.charAt(end - 1))) {
      end--;
    }
    if (start == 0 && end == text.length()) {
      return p;
    }
    List<Entity> clipped = new ArrayList<>();
    for (Entity e : p.entities()) {
      int from = Math.max(e.offset(), start);
      int to = Math.min(e.offset() + e.length(), end);
      if (to > from) {
        clipped.add(e.at(from - start, to - from));
      }
    }
    return new Parsed(text.substring(start, end), clipped);
  }
}
