package dev.switchboard.platform.telegram.fake;

import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.Entity;
import java.util.ArrayList;
import java.util.List;

/**
 * The entities Telegram finds in plain text a user sends: bot_command ({@code /start},
 * {@code /start@some_bot}) and mention ({@code @username}), with TDLib's boundary rules. URLs,
 * hashtags, cashtags, e-mail addresses and phone numbers are not detected by the fake.
 */
final class UserTextEntities {
  private UserTextEntities() {}

  static List<Entity> detect(String text) {
    List<Entity> found = new ArrayList<>();
    found.addAll(botCommands(text));
    found.addAll(mentions(text));
    found.sort(TelegramHtmlParser.TELEGRAM_ORDER);
    return found;
  }

  private static boolean isWordCharacter(int cp) {
    return Character.isLetter(cp)
        || Character.isDigit(cp)
        || Character.getType(cp) == Character.LETTER_NUMBER
        || Character.getType(cp) == Character.OTHER_NUMBER
        || cp == '_';
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  private static int previous(String s, int i) {
    return i == 0 ? -1 : s.codePointBefore(i);
  }

  private static int next(String s, int i) {
    return i >= s.length() ? -1 : s.codePointAt(i);
  }

  private static int nameEnd(String s, int from) {
    int i = from;
    while (i < s.length() && isNameChar(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** TDLib: {@code (?<!\b|[\/<>])\/([a-zA-Z0-9_]{1,64})(?:@([a-zA-Z0-9_]{3,32}))?(?!\B|[\/<>])}. */
  private static List<Entity> botCommands(String s) {
    List<Entity> found = new ArrayList<>();
    for (int at = s.indexOf('/'); at >= 0; at = s.indexOf('/', at + 1)) {
      int before = previous(s, at);
      if (before >= 0
          && (isWordCharacter(before) || before == '/' || before == '<' || before == '>')) {
        continue;
      }
      int end = nameEnd(s, at + 1);
      int length = end - at - 1;
      if (length < 1 || length > 64) {
        continue;
      }
      if (end < s.length() && s.charAt(end) == '@') {
        int botEnd = nameEnd(s, end + 1);
        int botLength = botEnd - end - 1;
        if (botLength < 3 || botLength > 32) {
          continue;
        }
        end = botEnd;
      }
      int after = next(s, end);
      if (after >= 0 && (isWordCharacter(after) || after == '/' || after == '<' || after == '>')) {
        continue;
      }
      found.add(Entity.of("bot_command", at, end - at));
    }
    return found;
  }

  /** TDLib: {@code (?<=\B)@([a-zA-Z0-9_]{2,32})(?=\b)}, then usernames of 4+ characters. */
  private static List<Entity> mentions(String s) {
    List<Entity> found = new ArrayList<>();
    for (int at = s.indexOf('@'); at >= 0; at = s.indexOf('@', at + 1)) {
      int before = previous(s, at);
      if (before >= 0 && isWordCharacter(before)) {
        continue;
      }
      int end = nameEnd(s, at + 1);
      int length = end - at - 1;
      if (length < 4 || length > 32) {
        continue;
      }
      int after = next(s, end);
      if (after >= 0 && isWordCharacter(after)) {
        continue;
      }
      found.add(Entity.of("mention", at, end - at));
    }
    return found;
  }
}
