package dev.switchboard.cli;

import dev.switchboard.lifecycle.Signals;
import java.util.List;
import java.util.Map;

/** The {@code switchboard} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Signals signals = Signals.install(); // before anything slow: the JVM's SIGTERM default is 143
    var _ = LocaleDataWarmUp.startIfRunning(args); // the thread is for tests to join
    List<String> arguments = List.of(args);
    Map<String, String> env = System.getenv();
    ExitGuard.exit(PlainRun.parse(arguments)
        .map(run -> run.execute(arguments, env, signals))
        .orElseGet(() -> SwitchboardCommand.execute(args, env, signals)));
  }
}
