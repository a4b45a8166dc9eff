package dev.switchboard.cli;

import dev.switchboard.lifecycle.Signals;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The command line every restart starts us with, {@code run} or {@code run --home DIR}, read
 * without picocli. Building picocli's model of the root command and of {@code run} took 150–200
 * ms of a 0.8 s start to ready, all of it interpreted (the start-up cache keeps classes and
 * profiles, not compiled code), and a service manager's restart waits for it. Only these plain
 * forms are read here; anything else (help, another option, {@code --home} twice or without a
 * value, a value that looks like an option or is not a path) goes to picocli as before, with its
 * own messages. {@code PlainRunTest} holds the two readings to the same answer.
 *
 * @param home the {@code --home} given, null when none was
 */
record PlainRun(@Nullable Path home) {
  private static final String HOME = "--home";

  static Optional<PlainRun> parse(List<String> args) {
    if (args.isEmpty() || !args.getFirst().equals("run")) {
      return Optional.empty();
    }
    return switch (args.size()) {
      case 1 -> Optional.of(new PlainRun(null));
      case 2 ->
        args.get(1).startsWith(HOME + "=")
            ? directory(args.get(1).substring(HOME.length() + 1))
            : Optional.empty();
      case 3 -> args.get(1).equals(HOME) ? directory(args.get(2)) : Optional.empty();
      default -> Optional.empty();
    };
  }

  private static Optional<PlainRun> directory(String value) {
    if (value.isEmpty() || value.startsWith("-")) {
      return Optional.empty();
    }
    try {
      return Optional.of(new PlainRun(Path.of(value)));
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  /** Runs the gateway as {@code switchboard run} would, with the same failure handling. */
  int execute(List<String> args, Map<String, String> env, Signals signals) {
    try {
      return RunSubcommand.runGateway(HomeOption.resolve(home, env), env, args, signals);
    } catch (RuntimeException e) {
      return SwitchboardCommand.failed(e, new PrintWriter(System.err, true, System.err.charset()));
    }
  }
}
