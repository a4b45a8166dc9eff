package dev.switchboard.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * What the restart cycles found: each cycle's times and broken promises, the end's, and the
 * verdict against the targets (no broken promise; mean and p99 from the ask to ready within
 * {@link #TARGET_SECONDS}).
 */
record RestartCyclesReport(
    RestartCyclesSettings settings,
    List<RestartCycle> cycles,
    List<String> endProblems,
    @Nullable String abortedBecause,
    Map<String, String> machine,
    String loadAtStart,
    String loadAtEnd,
    Duration took) {

  static final double TARGET_SECONDS = 1.0;

  RestartCyclesReport {
    cycles = List.copyOf(cycles);
    endProblems = List.copyOf(endProblems);
  }

  Stats askToReady() {
    return stats(cycles, RestartCycle::askToReady);
  }

  /** The signals alone: the CLI's time includes its own JVM's start before it signals. */
  Stats signalToReady() {
    return stats(
        cycles.stream().filter(c -> c.kind() == RestartCycleKind.SYSTEMCTL_KILL).toList(),
        RestartCycle::askToReady);
  }

  List<RestartCycle> brokenCycles() {
    return cycles.stream().filter(c -> !c.problems().isEmpty()).toList();
  }

  boolean promisesKept() {
    return abortedBecause == null
        && cycles.size() == settings.cycles()
        && brokenCycles().isEmpty()
        && endProblems.isEmpty();
  }

  boolean timeTargetMet() {
    Stats s = signalToReady();
    return s.count() > 0 && s.mean() <= TARGET_SECONDS && s.p99() <= TARGET_SECONDS;
  }

  boolean targetsMet() {
    return promisesKept() && timeTargetMet();
  }

  String text() {
    StringBuilder t = new StringBuilder();
    t.append("restart cycles under a systemd user manager")
        .append(settings.label().isEmpty() ? "" : " (" + settings.label() + ")")
        .append('\n');
    t.append("gateway JVM: ")
        .append(String.join(" ", settings.launcherOptions()))
        .append('\n');
    t.append(String.format(
        Locale.ROOT,
        "%d of %d cycles in %d s; machine: %s; load at start %s, at end %s%n",
        cycles.size(),
        settings.cycles(),
        took.toSeconds(),
        machine,
        loadAtStart,
        loadAtEnd));
    if (abortedBecause != null) {
      t.append("ABORTED: ").append(abortedBecause).append('\n');
    }
    for (RestartCycleKind kind : RestartCycleKind.values()) {
      List<RestartCycle> of = cycles.stream().filter(c -> c.kind() == kind).toList();
      t.append(kind.label()).append(" (").append(of.size()).append(" cycles)\n");
      t.append("  ask to ready:         ")
          .append(stats(of, RestartCycle::askToReady))
          .append('\n');
      t.append("  ask to new process:   ")
          .append(stats(of, RestartCycle::askToNewProcess))
          .append('\n');
      t.append("  new process to ready: ")
          .append(stats(of, RestartCycle::newProcessToReady))
          .append('\n');
    }
    t.append(String.format(
        Locale.ROOT,
        "signal to ready (systemctl kill -s USR1): %s; target mean and p99 <= %.1f s: %s%n",
        signalToReady(),
        TARGET_SECONDS,
        timeTargetMet() ? "met" : "NOT met"));
    t.append("every cycle a new MainPID, Result=success, never failed, NRestarts one more, the"
            + " restart notice exactly once per /restart and never otherwise, the new process"
            + " answering: ")
        .append(promisesKept() ? "yes" : "NO")
        .append('\n');
    brokenCycles().stream()
        .limit(20)
        .forEach(c -> t.append("  cycle ")
            .append(c.number())
            .append(" (")
            .append(c.kind().label())
            .append("): ")
            .append(String.join("; ", c.problems()))
            .append('\n'));
    endProblems.forEach(p -> t.append("  at the end: ").append(p).append('\n'));
    return t.toString();
  }

  Map<String, Object> json() {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("label", settings.label());
    j.put("cycles_asked", settings.cycles());
    j.put("cycles_done", cycles.size());
    j.put("took_s", took.toSeconds());
    j.put("gateway_jvm_options", settings.launcherOptions());
    j.put("machine", machine);
    j.put("load_at_start", loadAtStart);
    j.put("load_at_end", loadAtEnd);
    j.put("aborted_because", abortedBecause);
    j.put("signal_to_ready", signalToReady());
    j.put("ask_to_ready", askToReady());
    j.put("time_target_met", timeTargetMet());
    j.put("promises_kept", promisesKept());
    j.put("end_problems", endProblems);
    List<Map<String, Object>> each = new ArrayList<>();
    cycles.forEach(c -> each.add(c.json()));
    j.put("cycles", each);
    return j;
  }

  private static Stats stats(List<RestartCycle> of, ToDoubleFunction<RestartCycle> f) {
    return Stats.of(of.stream().map(c -> f.applyAsDouble(c)).toList());
  }
}
