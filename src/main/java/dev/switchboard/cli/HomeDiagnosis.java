package dev.switchboard.cli;

import dev.switchboard.common.Finding;
import dev.switchboard.common.OwnerOnly;
import dev.switchboard.http.LoginToken;
import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.PrivateHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code switchboard doctor}'s look at the state directory: that the gateway can write it, that
 * nobody else can read it or any file in it (it holds the tokens, the chats and the journal),
 * and what the lock and the state file say about the gateway.
 */
final class HomeDiagnosis {
  private static final String DIR = "state directory";
  private static final String GATEWAY = "gateway";
  private static final String FILES = "permissions";
  private static final String OWNER = "owner";
  private static final String NEXT_START = " (the gateway's next start does it too)";
  /** Findings beyond these many loose files are summed up in one. */
  private static final int MAX_LISTED = 20;

  private HomeDiagnosis() {}

  static List<Finding> check(Path home) throws IOException {
    return check(home, OwnerOnly.currentUser());
  }

  /** @param me the user the gateway would run as, when known */
  static List<Finding> check(Path home, Optional<UserPrincipal> me) throws IOException {
    List<Finding> out = new ArrayList<>();
    if (!Files.exists(home)) {
      out.add(Finding.ok(
          DIR, home + " does not exist yet; the first start creates it" + " (owner-only)"));
      return out;
    }
    if (!Files.isDirectory(home)) {
      out.add(Finding.fail(
          DIR, home + " is not a directory", "remove or rename it, or give" + " another --home"));
      return out;
    }
    if (!Files.isWritable(home)) {
      out.add(Finding.fail(
          DIR,
          home + " is not writable by this user (" + System.getProperty("user.name") + ")",
          "run as its owner, or chown it to this" + " user"));
    } else {
      out.addAll(permissions(home));
      if (me.isPresent()) {
        ownership(home, me.get()).ifPresent(out::add);
      }
    }
    out.addAll(gateway(home));
    return out;
  }

  /**
   * The directory, then each file or directory in it (and in its subdirectories) that is not
   * owner-only, with the chmod that fixes it. The gateway's next start fixes them all too.
   */
  private static List<Finding> permissions(Path home) throws IOException {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(home);
    } catch (UnsupportedOperationException e) {
      return List.of(Finding.ok(DIR, home + " (no POSIX permissions on this file system)"));
    }
    Path real = home.toRealPath();
    List<Finding> out = new ArrayList<>();
    List<OwnerOnly.Loose> files = new ArrayList<>();
    boolean dirLoose = false;
    for (OwnerOnly.Loose l : PrivateHome.loose(home)) {
      if (l.path().equals(real)) {
        dirLoose = true;
      } else {
        files.add(l);
      }
    }
    String shown = PosixFilePermissions.toString(perms);
    out.add(
        dirLoose
            ? Finding.warn(
                DIR,
                home + " is " + shown + ": other users can read the login token,"
                    + " the chats and the journal",
                "chmod 700 " + home + NEXT_START)
            : Finding.ok(DIR, home + " is " + shown + " and writable"));
    for (OwnerOnly.Loose l : files.subList(0, Math.min(files.size(), MAX_LISTED))) {
      out.add(Finding.warn(
          l.path().getFileName().toString().equals(LoginToken.FILE) ? "login token" : FILES,
          l.path() + " is " + l.mode() + ", not owner-only ("
              + (l.directory() ? "rwx------" : "rw-------") + ")",
          "chmod " + l.fixMode() + " " + l.path() + NEXT_START));
    }
    if (files.size() > MAX_LISTED) {
      out.add(Finding.warn(
          FILES,
          (files.size() - MAX_LISTED) + " more under " + home + " are not owner-only",
          "chmod -R go-rwx " + home + NEXT_START));
    }
    if (files.isEmpty()) {
      out.add(Finding.ok(FILES, "everything the gateway keeps in " + home + " is owner-only"));
    }
    return out;
  }

  /**
   * A failure when another user owns part of the state directory (a gateway once run with
   * sudo): the gateway may be unable to write it, and its start cannot make it owner-only.
   */
  private static Optional<Finding> ownership(Path home, UserPrincipal me) throws IOException {
    List<PrivateHome.Foreign> foreign = PrivateHome.ownedByOthers(home, me);
    if (foreign.isEmpty()) {
      return Optional.empty();
    }
    PrivateHome.Foreign first = foreign.getFirst();
    String which = foreign.size() == 1
        ? first.path() + " belongs to " + first.owner()
        : foreign.size() + " paths under " + home + " belong to other users (" + first.path()
            + " to " + first.owner() + ")";
    return Optional.of(Finding.fail(
        OWNER,
        which + ", not to " + me.getName() + ": the gateway may be unable to write there, and"
            + " its start cannot make it owner-only",
        "chown -R " + me.getName() + " " + home + " (as root), or run the gateway as that user"));
  }

  private static List<Finding> gateway(Path home) throws IOException {
    GatewayProcess gw = GatewayProcess.look(home);
    if (gw.unidentified()) {
      return List.of(Finding.warn(
          GATEWAY,
          gw.unidentifiedExplanation(),
          "wait a moment and"
              + " run doctor again; if it persists, check the process named in gateway.lock"));
    }
    if (gw.stale()) {
      return List.of(Finding.warn(
          GATEWAY,
          gw.staleExplanation(),
          "nothing to do unless it"
              + " keeps happening: then look for the OOM killer (journalctl -k) or a supervisor"
              + " that kills it (logs/gateway.log shows the last lines)"));
    }
    GatewayState s = gw.state().orElse(null);
    if (gw.running()) {
      if (s != null && s.crashLoop() != null && s.crashLoop().connectAt().isAfter(Instant.now())) {
        return List.of(Finding.warn(
            GATEWAY,
            "running (pid " + s.pid() + ") but held back by the"
                + " respawn breaker until " + s.crashLoop().connectAt()
                + ": the last unplanned end: "
                + s.crashLoop().lastEnd(),
            "find the crash in logs/gateway.log and fix it"));
      }
      return List.of(Finding.ok(
          GATEWAY,
          "running (pid " + (s == null ? "?" : s.pid()) + ", "
              + (s == null ? "no state yet" : s.state()) + ")"));
    }
    if (s == null) {
      return List.of(Finding.ok(GATEWAY, "not running; it has never run with this home"));
    }
    if (GatewayState.STARTUP_FAILED.equals(s.state())
        || (s.exitCode() != null && s.exitCode() != 0 && s.exitCode() != 75)) {
      return List.of(Finding.warn(
          GATEWAY,
          "not running; its last run ended with exit code " + s.exitCode() + ": " + s.exitReason(),
          "fix what the reason says, then start it" + " (switchboard start)"));
    }
    return List.of(
        Finding.ok(GATEWAY, "not running; its last run ended cleanly (" + s.exitReason() + ")"));
  }
}
