package dev.switchboard.job;

import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Runs once, at {@code at}. "in 20m" is kept as the moment it named ("at 2026-12-24 18:20"),
 * since what it counted from is gone after a restart.
 */
record OneShotSchedule(Instant at, ZoneId zone) implements JobSchedule {
  OneShotSchedule {
    // the text keeps minutes; a value the text cannot carry would not survive a restart
    at = at.truncatedTo(ChronoUnit.MINUTES);
  }

  @Override
  public Optional<Instant> nextAfter(Instant after) {
    return at.isAfter(after) ? Optional.of(at) : Optional.empty();
  }

  @Override
  public boolean recurring() {
    return false;
  }

  @Override
  public String text() {
    return "at " + LocalStamp.format(at, zone);
  }

  @Override
  public String describe() {
    return "once at " + LocalStamp.format(at, zone) + " (" + zone + ")";
  }
}
