package dev.switchboard.cli;

import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --home DIR}, shared by every subcommand. */
final class HomeOption {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "State directory (default: $SWITCHBOARD_HOME, else ~/.switchboard).")
  @Nullable
  Path home;

  Path resolve(Map<String, String> env) {
    return resolve(home, env);
  }

  /** The state directory: {@code given} if there is one, else as the option's help says. */
  static Path resolve(@Nullable Path given, Map<String, String> env) {
    Path p;
    if (given != null) {
      p = given;
    } else if (env.get("SWITCHBOARD_HOME") != null
        && !env.get("SWITCHBOARD_HOME").isBlank()) {
      p = Path.of(env.get("SWITCHBOARD_HOME"));
    } else {
      p = Path.of(System.getProperty("user.home"), ".switchboard");
    }
    return p.toAbsolutePath().normalize();
  }
}
