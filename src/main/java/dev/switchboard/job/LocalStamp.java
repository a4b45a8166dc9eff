package dev.switchboard.job;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A moment as schedules write it: "2026-12-24 18:00" in the schedule's zone, to the minute. A time
 * the clocks pass twice gets its offset, "2026-10-25 02:30 +01:00", so that reading the text back
 * gives the same moment. A time typed without one means the first pass that is still to come
 * (the first pass when both are past), and a time the clocks skip means as much later as they jump
 * (java.time's resolution).
 */
final class LocalStamp {
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT);
  private static final Pattern STAMP = Pattern.compile(
      "(\\d{4})-(\\d{1,2})-(\\d{1,2})[ t](\\d{1,2}):(\\d{2})(?: ?([+-]\\d{2}:\\d{2}|z))?");

  private LocalStamp() {}

  static String format(Instant moment, ZoneId zone) {
    LocalDateTime local = LocalDateTime.ofInstant(moment, zone);
    String text = local.format(MINUTE);
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
    if (offsets.size() > 1) {
      ZoneOffset offset = zone.getRules().getOffset(moment);
      text += " " + (offset.equals(ZoneOffset.UTC) ? "+00:00" : offset.getId());
    }
    return text;
  }

  /**
   * Reads {@code text} (lower case, as the parser normalised it) as a moment in {@code zone}.
   *
   * @param now what a time the clocks pass twice, typed without an offset, must be after to mean
   *     its first pass
   * @return null when it is not of the form "YYYY-MM-DD HH:MM"
   * @throws DateTimeException naming what is wrong when the form is right but the date, time or
   *     offset is not
   */
  static @Nullable Instant parse(String text, ZoneId zone, Instant now) {
    Matcher m = STAMP.matcher(text);
    if (!m.matches()) {
      return null;
    }
    LocalDateTime local;
    try {
      local = LocalDateTime.of(
          Integer.parseInt(m.group(1)),
          Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)),
          Integer.parseInt(m.group(4)),
          Integer.parseInt(m.group(5)));
    } catch (DateTimeException e) {
      throw new DateTimeException("has no such date or time (YYYY-MM-DD HH:MM)", e);
    }
    String offsetText = m.group(6);
    if (offsetText == null) {
      ZonedDateTime firstPass = local.atZone(zone);
      Instant secondPass = firstPass.withLaterOffsetAtOverlap().toInstant();
      // typed during the second pass, "in a few minutes" is meant, not an hour ago
      return firstPass.toInstant().isAfter(now) || !secondPass.isAfter(now)
          ? firstPass.toInstant()
          : secondPass;
    }
    ZoneOffset offset;
    try {
      offset = ZoneOffset.of(offsetText.toUpperCase(Locale.ROOT));
    } catch (DateTimeException e) {
      throw new DateTimeException("has no such offset (+HH:MM, -18:00 to +18:00)", e);
    }
    if (!zone.getRules().isValidOffset(local, offset)) {
      throw new DateTimeException("gives an offset " + zone + " does not have at that time");
    }
    return local.toInstant(offset);
  }
}
