package dev.switchboard.platform.whatsapp;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/** Settings the WhatsApp tests share. */
final class WhatsAppTesting {
  static final String TOKEN = "EAAGtestTOKEN0123456789abcdefghijklmnop";
  static final String PHONE_ID = "106540352242922";
  static final String APP_SECRET = "6d2b5e1f0c9a8b7e3f4d2c1b0a9e8f7d";
  static final String VERIFY = "verify-0123456789abcdef";

  private WhatsAppTesting() {}

  static Config config(Map<ConfigKey<?>, Object> values) {
    Map<ConfigKey<?>, Object> all = new HashMap<>(Map.of(
        WhatsAppSettings.ACCESS_TOKEN,
        TOKEN,
        WhatsAppSettings.PHONE_NUMBER_ID,
        PHONE_ID,
        WhatsAppSettings.APP_SECRET,
        APP_SECRET,
        WhatsAppSettings.VERIFY_TOKEN,
        VERIFY));
    all.putAll(values);
    return Config.defaults(ConfigSchema.of(WhatsAppSettings.keys())).with(all);
  }

  static WhatsAppSettings settings(Map<ConfigKey<?>, Object> values) {
    return WhatsAppSettings.from(config(values));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
