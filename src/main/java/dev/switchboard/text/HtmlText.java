package dev.switchboard.platform.telegram;

import org.jspecify.annotations.Nullable;

/**
 * The text Telegram shows for a piece of its HTML: tags removed, the four entities and numeric
 * character references decoded. Used to send a part as plain text when Telegram rejects its
 * markup, so the reader still gets every word.
 */
final class HtmlText {
  private HtmlText() {}

  static String visible(String html) {
    StringBuilder out = new StringBuilder(html.length());
    int i = 0;
    while (i < html.length()) {
      char c = html.charAt(i);
      if (c == '<') {
        int end = html.indexOf('>', i);
        if (end < 0) {
          out.append(html, i, html.length());
          break;
        }
        i = end + 1;
      } else if (c == '&') {
        int end = html.indexOf(';', i);
        String decoded = end < 0 ? null : decode(html.substring(i + 1, end));
        if (decoded == null) {
          out.append(c);
          i++;
        } else {
          out.append(decoded);
          i = end + 1;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static @Nullable String decode(String entity) {
    return switch (entity) {
      case "lt" -> "<";
      case "gt" -> ">";
      case "amp" -> "&";
      case "quot" -> "\"";
      default -> numeric(entity);
    };
  }

  private static @Nullable String numeric(String entity) {
    try {
      if (entity.startsWith("#x") || entity.startsWith("#X")) {
        return Character.toString(Integer.parseInt(entity.substring(2), 16));
      }
      if (entity.startsWith("#")) {
        return Character.toString(Integer.parseInt(entity.substring(1)));
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return null;
  }
}
