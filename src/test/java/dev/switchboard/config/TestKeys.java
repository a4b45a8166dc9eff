package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;

/** Keys a platform plugin might declare, added to the core keys to build test schemas. */
final class TestKeys {
  /** Distinctive so that any echo of it, even a shortened one, is easy to spot. */
  static final String TOKEN_VALUE = "xQ7vSECRETk2Lm9w";

  static final ConfigKey<String> TOKEN =
      ConfigKey.secret("telegram.token", "SWITCHBOARD_TELEGRAM_TOKEN", false, "The bot token.");

  static final ConfigKey<List<String>> ALLOWED_USERS = ConfigKey.optional(
      "telegram.allowed_users",
      "SWITCHBOARD_TELEGRAM_ALLOWED_USERS",
      ValueType.stringList(),
      List.of(),
      "Users who may talk to the bot.");

  /** A secret that is not text, so a type error happens for values that are not blank. */
  static final ConfigKey<Integer> PIN = new ConfigKey<>(
      "telegram.pin",
      "SWITCHBOARD_TELEGRAM_PIN",
      ValueType.integer(0, 999_999),
      null,
      false,
      true,
      "A numeric secret.");

  private TestKeys() {}

  /** The core keys plus the telegram test keys. */
  static ConfigSchema schema() {
    return schemaWith(List.of());
  }

  static ConfigSchema schemaWith(List<ConfigKey<?>> extra) {
    List<ConfigKey<?>> keys = new ArrayList<>(CoreKeys.all());
    keys.add(TOKEN);
    keys.add(ALLOWED_USERS);
    keys.add(PIN);
    keys.addAll(extra);
    return ConfigSchema.of(keys);
  }
}
