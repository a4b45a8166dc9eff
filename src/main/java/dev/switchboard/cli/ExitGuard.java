package dev.switchboard.cli;

import java.util.concurrent.TimeUnit;

/**
 * The only place that exits. {@link System#exit} runs shutdown hooks, ours and libraries';
 * if one of them hangs, a daemon thread halts the process with the same code, so nothing can
 * keep the JVM alive after the stop (lifecycle rule 4).
 */
final class ExitGuard {
  static final long HOOK_BUDGET_SECONDS = 10;

  private ExitGuard() {}

  static void exit(int code) {
    Thread.ofPlatform().daemon().name("switchboard-exit-guard").start(() -> {
      try {
        TimeUnit.SECONDS.sleep(HOOK_BUDGET_SECONDS); // a deadline, not a wait for a condition
      } catch (InterruptedException ignored) {
        // halt anyway
      }
      System.err.println("switchboard: shutdown hooks still running after " + HOOK_BUDGET_SECONDS
          + " s; halting with exit code " + code);
      Runtime.getRuntime().halt(code);
    });
    System.exit(code);
  }
}
