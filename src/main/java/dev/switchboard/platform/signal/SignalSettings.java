package dev.switchboard.platform.signal;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.HttpUrl;
import dev.switchboard.config.ValueType;
import java.net.URI;
import java.text.BreakIterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The Signal adapter's settings, under {@code platforms.signal.}. Nothing here is secret: the
 * account's keys stay with signal-cli, which the gateway reaches over loopback HTTP.
 *
 * @param account the bot's own number, in E.164 ({@code +4915112345678})
 * @param url the signal-cli daemon's base URL; {@code /api/v1/...} is appended
 * @param allowedUsers numbers (E.164) or ACI UUIDs allowed to talk to the agent
 * @param adminUsers numbers or ACI UUIDs who may also run admin commands
 * @param ackReaction the emoji sent as a reaction to a message once the gateway took it, or null
 * @param readReceipts whether a taken message gets a read receipt
 */
record SignalSettings(
    String account,
    URI url,
    List<String> allowedUsers,
    List<String> adminUsers,
    @Nullable String ackReaction,
    boolean readReceipts) {

  /** E.164: a plus, then 7 to 15 digits of which the first is not zero. */
  static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

  /** An ACI: a UUID as signal-cli writes it (sourceUuid), any case accepted. */
  static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  static final String DEFAULT_URL = "http://127.0.0.1:8080";

  static final ConfigKey<Boolean> ENABLED = ConfigKey.optional(
      "platforms.signal.enabled",
      "SIGNAL_ENABLED",
      ValueType.bool(),
      null,
      "Turn the Signal adapter on or off; by default it is on when an account is set.");
  static final ConfigKey<String> ACCOUNT = ConfigKey.optional(
      "platforms.signal.account",
      "SIGNAL_ACCOUNT",
      ValueType.string(),
      null,
      "The bot's Signal number in E.164 (+4915112345678), registered or linked in signal-cli.");
  static final ConfigKey<String> URL = ConfigKey.optional(
      "platforms.signal.url",
      "SIGNAL_URL",
      ValueType.string(),
      DEFAULT_URL,
      "The signal-cli daemon's HTTP address (signal-cli daemon --http HOST:PORT).");
  static final ConfigKey<List<String>> ALLOWED_USERS = ConfigKey.optional(
      "platforms.signal.allowed_users",
      "SIGNAL_ALLOWED_USERS",
      ValueType.stringList(),
      List.of(),
      "Numbers (E.164) or ACI UUIDs allowed to talk to the agent; a sender matches by either.");
  static final ConfigKey<List<String>> ADMIN_USERS = ConfigKey.optional(
      "platforms.signal.admin_users",
      "SIGNAL_ADMIN_USERS",
      ValueType.stringList(),
      List.of(),
      "Numbers or ACI UUIDs who may also run admin commands such as /restart.");
  static final ConfigKey<String> ACK_REACTION = ConfigKey.optional(
      "platforms.signal.ack_reaction",
      "SIGNAL_ACK_REACTION",
      ValueType.string(),
      null,
      "An emoji sent as a reaction to each message the gateway takes; none when unset.");
  static final ConfigKey<Boolean> READ_RECEIPTS = ConfigKey.optional(
      "platforms.signal.read_receipts",
      "SIGNAL_READ_RECEIPTS",
      ValueType.bool(),
      true,
      "Send a read receipt for each message the gateway takes.");

  static List<ConfigKey<?>> keys() {
    return List.of(ENABLED, ACCOUNT, URL, ALLOWED_USERS, ADMIN_USERS, ACK_REACTION, READ_RECEIPTS);
  }

  static SignalSettings from(Config c) {
    String account = c.get(ACCOUNT);
    if (account == null || account.isBlank()) {
      throw new ConfigException(
          ACCOUNT.path(),
          "Signal is enabled but has no account; set " + ACCOUNT.env()
              + " to the bot's number in E.164, such as +4915112345678");
    }
    account = account.strip();
    if (!E164.matcher(account).matches()) {
      throw new ConfigException(
          ACCOUNT.path(),
          "expected a number in E.164 (a + and the country code, 7 to 15 digits, no spaces),"
              + " such as +4915112345678, got '" + account + "'");
    }
    URI url = HttpUrl.parse(URL, c.get(URL).strip());
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new ConfigException(
          URL.path(), "expected a base URL without ?query or #fragment, got '" + url + "'");
    }
    return new SignalSettings(
        account,
        url,
        identities(ALLOWED_USERS, c.get(ALLOWED_USERS)),
        identities(ADMIN_USERS, c.get(ADMIN_USERS)),
        emoji(c.get(ACK_REACTION)),
        c.get(READ_RECEIPTS));
  }

  private static List<String> identities(ConfigKey<List<String>> key, List<String> raw) {
    return raw.stream()
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .map(s -> {
          if (E164.matcher(s).matches()) {
            return s;
          }
          if (UUID.matcher(s).matches()) {
            return s.toLowerCase(Locale.ROOT);
          }
          throw new ConfigException(
              key.path(),
              "expected numbers in E.164 (+4915112345678) or ACI UUIDs, got '" + s + "'");
        })
        .toList();
  }

  private static @Nullable String emoji(@Nullable String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String e = raw.strip();
    // Signal takes one grapheme cluster as a reaction ("should be a single unicode grapheme
    // cluster", signal-cli's sendReaction); a word would be refused by every client.
    BreakIterator graphemes = BreakIterator.getCharacterInstance(Locale.ROOT);
    graphemes.setText(e);
    graphemes.first();
    if (graphemes.next() != e.length() || e.codePoints().allMatch(Character::isLetterOrDigit)) {
      throw new ConfigException(
          ACK_REACTION.path(), "expected one emoji, such as \uD83D\uDC40, got '" + e + "'");
    }
    return e;
  }
}
