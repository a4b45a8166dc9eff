package dev.switchboard.platform.telegram;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformAdapterFactory;
import java.util.List;

/** The {@code telegram} platform: on when a bot token is set, unless turned off explicitly. */
public final class TelegramAdapterFactory implements PlatformAdapterFactory {
  @Override
  public String name() {
    return "telegram";
  }

  @Override
  public ConfigKey<Boolean> enabledKey() {
    return TelegramSettings.ENABLED;
  }

  @Override
  public boolean enabled(Config config) {
    Boolean explicit = config.get(TelegramSettings.ENABLED);
    return explicit != null ? explicit : config.get(TelegramSettings.TOKEN) != null;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return TelegramSettings.keys();
  }

  @Override
  public PlatformAdapter create(Config config, java.nio.file.Path home) {
    return new TelegramAdapter(TelegramSettings.from(config));
  }

  @Override
  public List<String> allowedUsers(Config config) {
    return config.get(TelegramSettings.ALLOWED_USERS);
  }

  @Override
  public List<String> adminUsers(Config config) {
    return config.get(TelegramSettings.ADMIN_USERS);
  }
}
