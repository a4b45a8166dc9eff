package dev.switchboard.cli;

import java.util.Comparator;
import java.util.List;

/**
 * The configured secrets, masked in every log line as a last line of defence: our own messages
 * never include a token, but an exception from a library (an HTTP client quoting a URL with the
 * bot token in it) might. Logback has no masking of its own, hence this.
 */
final class SecretMask {
  static final String MASK = "[secret]";
  /** Shorter values would mask ordinary words; no real token or key is this short. */
  static final int MIN_LENGTH = 8;

  private static volatile List<String> secrets = List.of();

  private SecretMask() {}

  static void set(List<String> values) {
    secrets = values.stream()
        .filter(v -> v != null && v.length() >= MIN_LENGTH)
        .distinct()
        // the longer first, so that a secret containing another is masked whole
        .sorted(Comparator.comparingInt(String::length).reversed())
        .toList();
  }

  static String apply(String line) {
    List<String> current = secrets;
    String out = line;
    for (String secret : current) {
      if (out.contains(secret)) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }
}
