package dev.switchboard.platform.telegram.fake;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The link checks behind {@code <a href>}: {@code tg://user?id=N} becomes a text_mention, other
 * links are normalised the way Telegram shows them ({@code telegram.org} becomes
 * {@code http://telegram.org/}) or dropped when invalid. A simplification of TDLib's
 * LinkManager: schemes http, https, tg and ton only; a host needs a dot, or is localhost.
 */
final class TelegramLinks {
  private static final Pattern SCHEME =
      Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$", Pattern.DOTALL);
  private static final Pattern USER_LINK =
      Pattern.compile("^tg:(?://)?user\\?id=(\\d{1,19})$", Pattern.CASE_INSENSITIVE);
  private static final Pattern HOST = Pattern.compile("^[\\p{L}\\p{N}.-]+(:\\d{1,5})?$");

  private TelegramLinks() {}

  /** The user id of a {@code tg://user?id=} link, or null. */
  static Long userId(String url) {
    Matcher m = USER_LINK.matcher(url);
    if (!m.matches()) {
      return null;
    }
    try {
      long id = Long.parseLong(m.group(1));
      return id > 0 ? id : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The link as Telegram would store it, or null when Telegram would drop the entity. */
  static String checked(String url) {
    String link = url;
    if (link.isEmpty() || link.chars().anyMatch(Character::isWhitespace)) {
      return null;
    }
    Matcher m = SCHEME.matcher(link);
    String scheme;
    String rest;
    if (m.matches() && (m.group(2).startsWith("//") || !m.group(1).contains("."))) {
      scheme = m.group(1).toLowerCase(Locale.ROOT);
      rest = m.group(2);
    } else {
      scheme = "http";
      rest = "//" + link;
    }
    return switch (scheme) {
      case "tg", "ton" -> rest.length() > 2 ? scheme + ":" + rest : null;
      case "http", "https" -> web(scheme, rest);
      default -> null;
    };
  }

  private static String web(String scheme, String rest) {
    if (!rest.startsWith("//")) {
      return null;
    }
    String afterSlashes = rest.substring(2);
    int end = afterSlashes.length();
    for (char c : new char[] {'/', '?', '#'}) {
      int at = afterSlashes.indexOf(c);
      if (at >= 0 && at < end) {
        end = at;
      }
    }
    String authority = afterSlashes.substring(0, end);
    String host = authority.substring(authority.lastIndexOf('@') + 1);
    String hostOnly = host.replaceFirst(":\\d+$", "");
    if (!HOST.matcher(host).matches()
        || !(hostOnly.contains(".") || hostOnly.equalsIgnoreCase("localhost"))
        || hostOnly.startsWith(".")
        || hostOnly.endsWith(".")) {
      return null;
    }
    String tail = afterSlashes.substring(end);
    if (!tail.startsWith("/")) {
      tail = "/" + tail;
    }
    return scheme + "://" + authority.toLowerCase(Locale.ROOT) + tail;
  }
}
