package dev.switchboard.job;

import dev.switchboard.config.ValueType;
import java.time.DateTimeException;
import java.time.ZoneId;

/** A time zone setting: an IANA name such as {@code Europe/Berlin}, or {@code UTC}. */
final class ZoneType implements ValueType<ZoneId> {
  static final ZoneType INSTANCE = new ZoneType();

  @Override
  public ZoneId parse(Object raw) {
    if (!(raw instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("got " + ValueType.show(raw));
    }
    try {
      return ZoneId.of(s.trim());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("'" + s.trim() + "' is not a time zone");
    }
  }

  @Override
  public String expected() {
    return "a time zone such as Europe/Berlin, America/New_York or UTC";
  }
}
