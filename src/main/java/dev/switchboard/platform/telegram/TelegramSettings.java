package dev.switchboard.platform.telegram;

import dev.switchboard.common.RedactedRecord;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.HttpUrl;
import dev.switchboard.config.ValueType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The Telegram adapter's settings, under {@code platforms.telegram.}.
 *
 * @param webhookUrl null in polling mode
 * @param webhookSecret null when not set, which only polling mode allows
 */
record TelegramSettings(
    String token,
    URI apiBaseUrl,
    Mode mode,
    @Nullable URI webhookUrl,
    @Nullable String webhookSecret,
    String webhookHost,
    int webhookPort,
    GroupTrigger groupTrigger,
    Duration pollTimeout,
    Duration editInterval,
    int chatMessagesPerMinute,
    int globalMessagesPerSecond) {

  /** How updates arrive. */
  enum Mode {
    POLLING,
    WEBHOOK
  }

  /** Which group messages are for the bot. */
  enum GroupTrigger {
    MENTION,
    ALL
  }

  /** The shortest webhook secret accepted, though Telegram would take one character. */
  static final int MIN_SECRET_CHARS = 32;

  static final ConfigKey<Boolean> ENABLED = ConfigKey.optional(
      "platforms.telegram.enabled",
      "TELEGRAM_ENABLED",
      ValueType.bool(),
      null,
      "Turn the Telegram adapter on or off; by default it is on when a bot token is set.");
  static final ConfigKey<String> TOKEN = ConfigKey.secret(
      "platforms.telegram.bot_token",
      "TELEGRAM_BOT_TOKEN",
      false,
      "The bot token from @BotFather. Setting it enables Telegram.");
  static final ConfigKey<String> API_BASE_URL = ConfigKey.optional(
      "platforms.telegram.api_base_url",
      "TELEGRAM_API_BASE_URL",
      ValueType.string(),
      "https://api.telegram.org",
      "Bot API server; '/bot<token>/<method>' is appended (a self-hosted Bot API server works).");
  static final ConfigKey<Mode> MODE = ConfigKey.optional(
      "platforms.telegram.mode",
      "TELEGRAM_MODE",
      ValueType.choice(Mode.class),
      Mode.POLLING,
      "How updates arrive: polling (getUpdates) or webhook.");
  static final ConfigKey<String> WEBHOOK_URL = ConfigKey.optional(
      "platforms.telegram.webhook_url",
      "TELEGRAM_WEBHOOK_URL",
      ValueType.string(),
      null,
      "Webhook mode: the public HTTPS URL Telegram posts updates to.");
  static final ConfigKey<String> WEBHOOK_SECRET = ConfigKey.secret(
      "platforms.telegram.webhook_secret",
      "TELEGRAM_WEBHOOK_SECRET",
      false,
      "Webhook mode: the secret Telegram sends in X-Telegram-Bot-Api-Secret-Token, "
          + MIN_SECRET_CHARS + " to 256 of A-Z a-z 0-9 _ -; required in webhook mode.");
  static final ConfigKey<String> WEBHOOK_LISTEN = ConfigKey.optional(
      "platforms.telegram.webhook_listen",
      "TELEGRAM_WEBHOOK_LISTEN",
      ValueType.string(),
      "127.0.0.1:8443",
      "Webhook mode: the host:port the gateway listens on (behind your HTTPS proxy).");
  static final ConfigKey<GroupTrigger> GROUP_TRIGGER = ConfigKey.optional(
      "platforms.telegram.group_trigger",
      "TELEGRAM_GROUP_TRIGGER",
      ValueType.choice(GroupTrigger.class),
      GroupTrigger.MENTION,
      "In groups, answer only when mentioned or replied to (mention), or every message (all).");
  static final ConfigKey<Duration> POLL_TIMEOUT = ConfigKey.optional(
      "platforms.telegram.poll_timeout",
      "TELEGRAM_POLL_TIMEOUT",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofSeconds(50)),
      Duration.ofSeconds(25),
      "Long-poll timeout of getUpdates.");
  static final ConfigKey<Duration> EDIT_INTERVAL = ConfigKey.optional(
      "platforms.telegram.edit_interval",
      "TELEGRAM_EDIT_INTERVAL",
      ValueType.duration(Duration.ofMillis(200), Duration.ofMinutes(1)),
      Duration.ofSeconds(1),
      "Shortest time between two edits of a streamed reply.");
  static final ConfigKey<Integer> CHAT_RATE = ConfigKey.optional(
      "platforms.telegram.chat_messages_per_minute",
      "TELEGRAM_CHAT_MESSAGES_PER_MINUTE",
      ValueType.integer(1, 100_000),
      60,
      "Messages and edits per chat per minute (Telegram asks for about one per second).");
  static final ConfigKey<Integer> GLOBAL_RATE = ConfigKey.optional(
      "platforms.telegram.global_messages_per_second",
      "TELEGRAM_GLOBAL_MESSAGES_PER_SECOND",
      ValueType.integer(1, 100_000),
      30,
      "Messages and edits per second over all chats (Telegram's limit is about 30).");
  static final ConfigKey<List<String>> ALLOWED_USERS = ConfigKey.optional(
      "platforms.telegram.allowed_users",
      "TELEGRAM_ALLOWED_USERS",
      ValueType.stringList(),
      List.of(),
      "Telegram user ids allowed to talk to the agent.");
  static final ConfigKey<List<String>> ADMIN_USERS = ConfigKey.optional(
      "platforms.telegram.admin_users",
      "TELEGRAM_ADMIN_USERS",
      ValueType.stringList(),
      List.of(),
      "Telegram user ids who may also run admin commands such as /restart.");

  static List<ConfigKey<?>> keys() {
    return List.of(
        ENABLED,
        TOKEN,
        API_BASE_URL,
        MODE,
        WEBHOOK_URL,
        WEBHOOK_SECRET,
        WEBHOOK_LISTEN,
        GROUP_TRIGGER,
        POLL_TIMEOUT,
        EDIT_INTERVAL,
        CHAT_RATE,
        GLOBAL_RATE,
        ALLOWED_USERS,
        ADMIN_USERS);
  }

  static TelegramSettings from(Config c) {
    String token = c.get(TOKEN);
    if (token == null) {
      throw new ConfigException(
          TOKEN.path(), "Telegram is enabled but has no bot token; set " + TOKEN.env());
    }
    if (!token.matches("\\d+:[A-Za-z0-9_-]{20,}")) {
      throw new ConfigException(
          TOKEN.path(),
          "does not look like a bot token from @BotFather"
              + " (digits, a colon, then at least 20 letters, digits, _ and -)");
    }
    URI base = HttpUrl.parse(API_BASE_URL, c.get(API_BASE_URL));
    Mode mode = c.get(MODE);
    URI webhookUrl = null;
    String secret = c.get(WEBHOOK_SECRET);
    String listen = c.get(WEBHOOK_LISTEN);
    int colon = listen.lastIndexOf(':');
    String listenRule = "expected host:port, a host before the last colon and a port from 1 to"
        + " 65535 after it, got '" + listen + "'";
    if (colon <= 0 || !listen.substring(colon + 1).matches("\\d{1,5}")) {
      throw new ConfigException(WEBHOOK_LISTEN.path(), listenRule);
    }
    int port = Integer.parseInt(listen.substring(colon + 1));
    if (port < 1 || port > 65535) {
      throw new ConfigException(WEBHOOK_LISTEN.path(), listenRule);
    }
    if (mode == Mode.WEBHOOK) {
      if (c.get(WEBHOOK_URL) == null) {
        throw new ConfigException(WEBHOOK_URL.path(), "required in webhook mode");
      }
      webhookUrl = HttpUrl.parse(WEBHOOK_URL, c.get(WEBHOOK_URL));
      if (secret == null) {
        throw new ConfigException(
            WEBHOOK_SECRET.path(),
            "required in webhook mode: without it"
                + " anyone who finds the URL can post fake updates");
      }
      // Telegram takes 1 to 256 characters; a short one could be guessed by trying.
      if (!secret.matches("[A-Za-z0-9_-]{" + MIN_SECRET_CHARS + ",256}")) {
        throw new ConfigException(
            WEBHOOK_SECRET.path(),
            "has " + secret.length() + " characters; expected " + MIN_SECRET_CHARS
                + " to 256 characters, each one of A-Z a-z 0-9 _ - (e.g. openssl rand -hex 32)");
      }
    }
    return new TelegramSettings(
        token,
        base,
        mode,
        webhookUrl,
        secret,
        listen.substring(0, colon),
        port,
        c.get(GROUP_TRIGGER),
        c.get(POLL_TIMEOUT),
        c.get(EDIT_INTERVAL),
        c.get(CHAT_RATE),
        c.get(GLOBAL_RATE));
  }

  /** Without the bot token and the webhook secret. */
  @Override
  public String toString() {
    return RedactedRecord.toString(this, Set.of("token", "webhookSecret"));
  }
}
