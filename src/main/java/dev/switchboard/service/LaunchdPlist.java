package dev.switchboard.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launchd job {@code switchboard install} writes on macOS, as a per-user LaunchAgent: the
 * same lifecycle contract as the systemd unit in launchd's terms. Every key is explained in the
 * docs/operations.md ("macOS: launchd").
 *
 * <p>Written by hand: the format is a fixed, tiny XML vocabulary, and a library for it would be
 * a dependency for twenty lines.
 *
 * @param command ProgramArguments, one word per element
 * @param hardDeadline the gateway's own stop budget (drain_timeout + shutdown_grace)
 */
public record LaunchdPlist(List<String> command, Path home, Duration hardDeadline) {
  public static final String LABEL = "dev.switchboard.gateway";
  /** launchd's SIGKILL comes this long after SIGTERM: our stop budget plus a margin. */
  static final Duration STOP_MARGIN = Duration.ofSeconds(15);
  /** The least time between two starts; launchd's default is 10 s. */
  static final Duration THROTTLE = Duration.ofSeconds(5);

  public LaunchdPlist {
    command = List.copyOf(command);
  }

  public Duration exitTimeout() {
    return hardDeadline.plus(STOP_MARGIN);
  }

  public String render(String version) {
    StringBuilder p = new StringBuilder();
    p.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    p.append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\""
        + " \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n");
    p.append("<!-- Switchboard chat gateway, written by 'switchboard install' (")
        .append(escape(version))
        .append("""
            ). Each key is explained in Switchboard's
                 docs/operations.md, "macOS: launchd". -->
            """);
    p.append("<plist version=\"1.0\">\n<dict>\n");
    key(p, "Label").append("  <string>").append(LABEL).append("</string>\n");
    key(p, "ProgramArguments").append("  <array>\n");
    for (String word : command) {
      p.append("    <string>").append(escape(word)).append("</string>\n");
    }
    p.append("  </array>\n");
    key(p, "EnvironmentVariables").append("  <dict>\n");
    p.append("    <key>MALLOC_ARENA_MAX</key>\n    <string>2</string>\n  </dict>\n");
    key(p, "RunAtLoad").append("  <true/>\n");
    key(p, "KeepAlive").append("  <dict>\n");
    p.append("    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n");
    key(p, "ThrottleInterval")
        .append("  <integer>")
        .append(THROTTLE.toSeconds())
        .append("</integer>\n");
    key(p, "ExitTimeOut")
        .append("  <integer>")
        .append(exitTimeout().toSeconds())
        .append("</integer>\n");
    String log = escape(home.resolve("logs").resolve("launchd.log").toString());
    key(p, "StandardOutPath").append("  <string>").append(log).append("</string>\n");
    key(p, "StandardErrorPath").append("  <string>").append(log).append("</string>\n");
    p.append("</dict>\n</plist>\n");
    return p.toString();
  }

  private static StringBuilder key(StringBuilder p, String name) {
    return p.append("  <key>").append(name).append("</key>\n");
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** The state directory a plist {@link #render} wrote serves: the word after --home. */
  public static Optional<Path> homeOf(String plistText) {
    Matcher m =
        Pattern.compile("<string>--home</string>\\s*<string>([^<]*)</string>").matcher(plistText);
    return m.find()
        ? Optional.of(
            Path.of(m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")))
        : Optional.empty();
  }
}
