package dev.switchboard.hooks;

import java.time.Duration;

/** How one run of a hook ended. */
sealed interface HookResult {
  /** The metric's label: ok, failed, timed_out, stopped or not_started. */
  String label();

  /** The hook exited by itself (or was ended by a signal it got from elsewhere). */
  record Exited(int code, Duration took, String stderr) implements HookResult {
    @Override
    public String label() {
      return code == 0 ? "ok" : "failed";
    }
  }

  /** It ran past {@code hooks.timeout}: its process group was killed. */
  record TimedOut(Duration took, String stderr) implements HookResult {
    @Override
    public String label() {
      return "timed_out";
    }
  }

  /** It was still running when the gateway's stop ran out of patience: its group was killed. */
  record Stopped(Duration took, String stderr) implements HookResult {
    @Override
    public String label() {
      return "stopped";
    }
  }

  /** It could not be started (removed meanwhile, a bad interpreter line, no permission). */
  record NotStarted(String why) implements HookResult {
    @Override
    public String label() {
      return "not_started";
    }
  }
}
