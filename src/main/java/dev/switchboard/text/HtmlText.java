package dev.switchboard.text;

import org.jspecify.annotations.Nullable;

/**
 * Text in and out of the HTML the platforms that take it get (Telegram's HTML, Matrix's {@code
 * formatted_body}): {@link #escape} for text written into it, {@link #visible} for the text a
 * piece of it shows: tags removed, the four entities and numeric character references decoded.
 * Telegram sends a part as plain text this way when it rejects the markup, so the reader still
 * gets every word; Matrix sends it as every message's plain {@code body}.
 */
public final class HtmlText {
  private HtmlText() {}

  /** Text made safe for HTML: {@code &}, {@code <} and {@code >} as entities. */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** The text {@code html} shows. */
  public static String visible(String html) {
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
