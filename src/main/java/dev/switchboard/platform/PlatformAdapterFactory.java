package dev.switchboard.platform;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import java.nio.file.Path;
import java.util.List;

/**
 * Creates one platform's adapter. Factories are found with {@link java.util.ServiceLoader}, so
 * the gateway's core never names an adapter class.
 */
public interface PlatformAdapterFactory {
  /** The platform's name; its settings live under {@code platforms.<name>.}. */
  String name();

  /** The setting that turns this platform on or off. */
  ConfigKey<Boolean> enabledKey();

  /**
   * Whether this platform runs with the given configuration: as its enabled setting says when
   * that is set, else when one of its {@link #credentialKeys} is.
   */
  default boolean enabled(Config config) {
    Boolean explicit = config.get(enabledKey());
    return explicit != null
        ? explicit
        : credentialKeys().stream().anyMatch(k -> config.get(k) != null);
  }

  /** Settings any one of which turns the platform on unless it is turned off explicitly. */
  default List<ConfigKey<?>> credentialKeys() {
    return List.of();
  }

  /** Every setting this platform reads, all under {@code platforms.<name>.}, enabledKey included. */
  List<ConfigKey<?>> configKeys();

  /**
   * Builds the adapter; throws {@link dev.switchboard.config.ConfigException} on bad settings.
   *
   * @param home the state directory, for platforms that keep files of their own there
   */
  PlatformAdapter create(Config config, Path home);

  /**
   * {@code switchboard doctor}'s look at this platform with a valid configuration: for a
   * platform with credentials, one cheap authenticated call (Telegram's getMe), bounded in
   * time, with no side effects.
   */
  default List<Finding> diagnose(Config config, Path home) throws InterruptedException {
    return List.of(Finding.ok(name(), "enabled"));
  }

  /** User ids allowed on this platform, if the platform has such a setting. */
  default List<String> allowedUsers(Config config) {
    return List.of();
  }

  /** User ids allowed to run admin commands on this platform (they are allowed too). */
  default List<String> adminUsers(Config config) {
    return List.of();
  }
}
