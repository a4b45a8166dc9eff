package dev.switchboard.lifecycle;

import dev.switchboard.common.OwnerOnly;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * One gateway per bot credential on this machine: an OS lock on a file named after a hash of
 * the credential (never the credential itself), in the user's runtime directory. Two gateways
 * with different state directories but the same Telegram token would otherwise steal each
 * other's updates (409 Conflict) for ever.
 */
final class CredentialLocks {
  private final Path dir;
  private final boolean sharedDatabase;

  CredentialLocks(Path dir) {
    this(dir, false);
  }

  /**
   * @param sharedDatabase whether the gateway shares its database with other gateways: a lock
   *     still held on this machine when it connects is then the one that was active before and
   *     lost the database letting go (it disconnects at once), so the refusal passes
   */
  CredentialLocks(Path dir, boolean sharedDatabase) {
    this.dir = dir;
    this.sharedDatabase = sharedDatabase;
  }

  /** $XDG_RUNTIME_DIR/switchboard, else a per-user directory under the temp dir. */
  static Path defaultDir(Map<String, String> env) {
    // Set by systemd for the unit's RuntimeDirectory=switchboard: writable under
    // ProtectSystem=strict, and for a user unit the same directory as below.
    String service = env.get("RUNTIME_DIRECTORY");
    // systemd lists several directories separated by colons; ours is the first.
    String first = service == null
        ? ""
        : service.substring(0, service.indexOf(':') < 0 ? service.length() : service.indexOf(':'));
    if (!first.isBlank() && Files.isDirectory(Path.of(first))) {
      return Path.of(first);
    }
    String runtime = env.get("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))) {
      return Path.of(runtime, "switchboard");
    }
    return Path.of(
        System.getProperty("java.io.tmpdir"),
        "switchboard-" + System.getProperty("user.name", "user"));
  }

  /** The lock, held by the caller until its platform has disconnected. */
  GatewayLock claim(String platform, String credential) throws PlatformException {
    Path file = dir.resolve(platform + "-" + hash(platform + "\n" + credential) + ".lock");
    try {
      OwnerOnly.createDirectories(dir);
      tighten(dir);
      return GatewayLock.acquireFile(file, Duration.ZERO);
    } catch (GatewayLock.HeldException e) {
      if (sharedDatabase) {
        throw new PlatformException(
            "the gateway on this machine that was active before ("
                + (e.pid() > 0 ? "pid " + e.pid() : "another process")
                + ") still holds this " + platform + " credential while it stops; trying again",
            false);
      }
      throw new PlatformException(
          "another gateway (" + (e.pid() > 0 ? "pid " + e.pid() : "another process")
              + ") is already connected with this " + platform
              + " credential; stop it, or give this gateway its own bot",
          true);
    } catch (IOException e) {
      throw new PlatformException("cannot lock " + file + ": " + e.getMessage(), true, e);
    }
  }

  // systemd makes a RuntimeDirectory 0755 unless told otherwise. Best effort: a directory we
  // cannot change (another user's) still takes our lock files, as it always did.
  private static void tighten(Path dir) {
    try {
      OwnerOnly.tighten(dir);
    } catch (IOException ignored) {
      // see above
    }
  }

  private static String hash(String s) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
