package dev.switchboard.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An account's home directory from the passwd database, as systemd sets a unit's HOME for its
 * {@code User=}. Through {@code getent}, which also asks LDAP and the other NSS sources that
 * /etc/passwd alone would miss.
 */
final class AccountHome {
  private static final long GETENT_TIMEOUT_SECONDS = 5;

  private AccountHome() {}

  /** The home directory; empty when the account is unknown or getent cannot be run. */
  static Optional<Path> of(String account) throws InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("getent", "passwd", account)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      return Optional.empty();
    }
    try {
      p.getOutputStream().close();
      String line = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8);
      if (!p.waitFor(GETENT_TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return Optional.empty();
      }
      return homeField(line.strip());
    } catch (IOException e) {
      return Optional.empty();
    } finally {
      p.destroyForcibly();
    }
  }

  /** The sixth field of a passwd line {@code name:x:uid:gid:gecos:home:shell}, when absolute. */
  static Optional<Path> homeField(String passwdLine) {
    String[] fields = passwdLine.split(":", -1);
    if (fields.length < 7 || !fields[5].startsWith("/")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(fields[5]));
  }
}
