package dev.switchboard.testing.loopback;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformAdapterFactory;
import java.util.List;

/**
 * A test-only platform, on the class path of process-level tests, so a child gateway process
 * can chat with the test over loopback TCP. It exercises the same SPI a real adapter uses.
 */
public final class LoopbackAdapterFactory implements PlatformAdapterFactory {
  static final ConfigKey<Boolean> ENABLED = ConfigKey.optional(
      "platforms.loopback.enabled", null, ValueType.bool(), false, "Test platform: enable.");
  static final ConfigKey<Integer> PORT = ConfigKey.optional(
      "platforms.loopback.port",
      "LOOPBACK_PORT",
      ValueType.integer(1, 65535),
      null,
      "Test platform: server port.");
  static final ConfigKey<Boolean> NON_DAEMON_THREAD = ConfigKey.optional(
      "platforms.loopback.non_daemon_thread",
      null,
      ValueType.bool(),
      false,
      "Test platform: start a non-daemon thread that ignores interrupts, as a careless library"
          + " would.");
  static final ConfigKey<Boolean> HANG_ON_DISCONNECT = ConfigKey.optional(
      "platforms.loopback.hang_on_disconnect",
      null,
      ValueType.bool(),
      false,
      "Test platform: never return from disconnect.");

  @Override
  public String name() {
    return "loopback";
  }

  @Override
  public ConfigKey<Boolean> enabledKey() {
    return ENABLED;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(ENABLED, PORT, NON_DAEMON_THREAD, HANG_ON_DISCONNECT);
  }

  @Override
  public PlatformAdapter create(Config config, java.nio.file.Path home) {
    Integer port = config.get(PORT);
    if (port == null) {
      throw new ConfigException(PORT.path(), "required when the loopback platform is enabled");
    }
    return new LoopbackAdapter(port, config.get(NON_DAEMON_THREAD), config.get(HANG_ON_DISCONNECT));
  }
}
