package dev.switchboard.reliability;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One restart cycle as systemd and the harness saw it. Times are on the monotonic clock systemd
 * stamps its transitions with (Java's {@code System.nanoTime} on Linux), so they compare.
 *
 * @param number from 1
 * @param oldPid the main process before
 * @param newPid the main process after
 * @param askedMicros when the harness sent the signal (for the CLI: started the command; for a
 *     chat: queued the /restart for the gateway's long poll)
 * @param newProcessMicros systemd's ExecMainStartTimestampMonotonic of the new process
 * @param readyMicros systemd's ActiveEnterTimestampMonotonic: it got READY=1
 * @param problems what broke the cycle's promises (empty when none)
 */
record RestartCycle(
    int number,
    RestartCycleKind kind,
    long oldPid,
    long newPid,
    long askedMicros,
    long newProcessMicros,
    long readyMicros,
    List<String> problems) {

  RestartCycle {
    problems = List.copyOf(problems);
  }

  /** From the ask to systemd seeing READY=1, in seconds. */
  double askToReady() {
    return (readyMicros - askedMicros) / 1e6;
  }

  /** The old process's stop plus RestartSec: from the ask to the new process's exec. */
  double askToNewProcess() {
    return (newProcessMicros - askedMicros) / 1e6;
  }

  /** The new process's start: from its exec to READY=1. */
  double newProcessToReady() {
    return (readyMicros - newProcessMicros) / 1e6;
  }

  Map<String, Object> json() {
    return Map.of(
        "number",
        number,
        "kind",
        kind.name().toLowerCase(Locale.ROOT),
        "old_pid",
        oldPid,
        "new_pid",
        newPid,
        "ask_to_ready_s",
        askToReady(),
        "ask_to_new_process_s",
        askToNewProcess(),
        "new_process_to_ready_s",
        newProcessToReady(),
        "problems",
        problems);
  }
}
