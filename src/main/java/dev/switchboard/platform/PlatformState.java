package dev.switchboard.platform;

import java.util.Locale;

/** An adapter's connection state, as shown in {@code gateway_state.json} and {@code status}. */
public enum PlatformState {
  CONNECTING,
  CONNECTED,
  DEGRADED,
  DISCONNECTED,
  FAILED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
