package dev.switchboard.cli;

import dev.switchboard.service.LaunchAgentInstaller;
import dev.switchboard.service.SystemctlRunner;
import java.nio.file.Path;
import java.util.Locale;

/** Where the CLI meets launchd: whether this is macOS, and the installer for this user. */
final class LaunchAgents {
  private LaunchAgents() {}

  static boolean isMacOs() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("mac");
  }

  static LaunchAgentInstaller installer() {
    return new LaunchAgentInstaller(SystemctlRunner.SYSTEM,
        Path.of(System.getProperty("user.home")),
        Long.toString(new com.sun.security.auth.module.UnixSystem().getUid()));
  }

  /** Whether the installed LaunchAgent runs the gateway of {@code home}. */
  static boolean serves(Path home) {
    Path plist = installer().plistPath();
    try {
      return java.nio.file.Files.isRegularFile(plist) && dev.switchboard.service.LaunchdPlist
          .homeOf(java.nio.file.Files.readString(plist)).map(h -> h.equals(home)).orElse(false);
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
