package dev.switchboard.cli;

import dev.switchboard.lifecycle.Signals;

/** The {@code switchboard} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Signals signals = Signals.install(); // before anything slow: the JVM's SIGTERM default is 143
    var _ = LocaleDataWarmUp.startIfRunning(args); // the thread is for tests to join
    ExitGuard.exit(SwitchboardCommand.execute(args, System.getenv(), signals));
  }
}
