package dev.switchboard.service;

import dev.switchboard.common.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs the gateway as the user's LaunchAgent on macOS: the plist in
 * {@code ~/Library/LaunchAgents}, loaded into the user's GUI domain with
 * {@code launchctl bootstrap}, which starts it (RunAtLoad). A plist already loaded is booted
 * out first, so a changed one takes effect.
 */
public final class LaunchAgentInstaller {
  private final SystemctlRunner launchctl;
  private final Path userHome;
  private final String uid;

  /**
   * @param launchctl runs launchctl (the same runner as for systemctl: a command to completion)
   * @param uid the user's numeric id, for the {@code gui/UID} domain
   */
  public LaunchAgentInstaller(SystemctlRunner launchctl, Path userHome, String uid) {
    this.launchctl = launchctl;
    this.userHome = userHome;
    this.uid = uid;
  }

  public Path plistPath() {
    return userHome
        .resolve("Library")
        .resolve("LaunchAgents")
        .resolve(LaunchdPlist.LABEL + ".plist");
  }

  private String domain() {
    return "gui/" + uid;
  }

  /** Writes and loads the job; launchd starts it at once. Returns the lines to show. */
  public List<String> install(String plistText)
      throws IOException, InterruptedException, ServiceInstaller.InstallException {
    Path path = plistPath();
    List<String> done = new ArrayList<>();
    if (Files.exists(path)) {
      // Not loaded is fine here: the point is that the old definition is gone.
      launchctl.run(List.of("launchctl", "bootout", domain() + "/" + LaunchdPlist.LABEL));
    }
    Files.createDirectories(path.getParent());
    AtomicFiles.write(path, plistText.getBytes(StandardCharsets.UTF_8));
    done.add("wrote " + path);
    step("bootstrap", domain(), path.toString());
    done.add("loaded " + LaunchdPlist.LABEL + " into " + domain() + "; launchd starts it now"
        + " and at every login");
    return done;
  }

  /** Unloads the job (which stops the gateway) and removes the plist. */
  public List<String> uninstall()
      throws IOException, InterruptedException, ServiceInstaller.InstallException {
    Path path = plistPath();
    if (!Files.exists(path)) {
      return List.of("no LaunchAgent at " + path + "; nothing to remove");
    }
    step("bootout", domain() + "/" + LaunchdPlist.LABEL);
    Files.delete(path);
    return List.of("stopped and unloaded " + LaunchdPlist.LABEL, "removed " + path);
  }

  /** The command that starts the loaded job again after a stop. */
  public List<String> startCommand() {
    return List.of("launchctl", "kickstart", domain() + "/" + LaunchdPlist.LABEL);
  }

  private void step(String... args)
      throws IOException, InterruptedException, ServiceInstaller.InstallException {
    List<String> command = new ArrayList<>(List.of("launchctl"));
    command.addAll(List.of(args));
    SystemctlRunner.Result r = launchctl.run(command);
    if (r.exitCode() != 0) {
      throw new ServiceInstaller.InstallException(String.join(" ", command) + " failed (exit "
          + r.exitCode() + ")" + (r.output().isEmpty() ? "" : ":\n" + r.output()));
    }
  }
}
