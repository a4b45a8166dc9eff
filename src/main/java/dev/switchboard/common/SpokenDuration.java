package dev.switchboard.common;

import java.time.Duration;

/** A duration as a message to a person says it: "500 ms", "45 s", "10 min". */
public final class SpokenDuration {
  private SpokenDuration() {}

  public static String of(Duration d) {
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return d.toMillis() + " ms";
    }
    long s = d.toSeconds();
    if (s % 60 == 0 && s >= 60) {
      return s / 60 + " min";
    }
    return s + " s";
  }
}
