package dev.switchboard.cli;

import com.sun.security.auth.module.UnixSystem;
import dev.switchboard.service.LaunchAgentInstaller;
import dev.switchboard.service.LaunchdPlist;
import dev.switchboard.service.SystemctlRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Where the CLI meets launchd: whether this is macOS, and the installer for this user. */
final class LaunchAgents {
  private LaunchAgents() {}

  static boolean isMacOs() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("mac");
  }

  static LaunchAgentInstaller installer() {
    return new LaunchAgentInstaller(
        SystemctlRunner.SYSTEM,
        Path.of(System.getProperty("user.home")),
        Long.toString(new UnixSystem().getUid()));
  }

  /** Whether the installed LaunchAgent runs the gateway of {@code home}. */
  static boolean serves(Path home) {
    Path plist = installer().plistPath();
    try {
      return Files.isRegularFile(plist)
          && LaunchdPlist.homeOf(Files.readString(plist))
              .map(h -> h.equals(home))
              .orElse(false);
    } catch (IOException e) {
      return false;
    }
  }
}
