package dev.switchboard.config;

import org.jspecify.annotations.Nullable;

/**
 * A configuration problem the operator must fix: an unknown key, a value of the wrong type, a
 * missing required value. The message is one line that names the key and what was expected,
 * and never contains the value of a secret. The gateway exits with 78 (EX_CONFIG) on it, so a
 * service manager does not restart it in a loop.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String key;

  public ConfigException(@Nullable String key, String message) {
    super(key == null ? message : key + ": " + message, null, false, false);
    this.key = key;
  }

  /** The dotted key (or environment variable) at fault, or {@code null} for a whole-file error. */
  public @Nullable String key() {
    return key;
  }
}
