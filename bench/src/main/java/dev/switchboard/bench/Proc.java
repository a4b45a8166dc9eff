package dev.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.DirectoryStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Readings from /proc (Linux only): a process's CPU time and memory, the machine's CPU. */
final class Proc {
  private static final long CLOCK_TICKS = clockTicks();

  private Proc() {}

  /** Clock ticks per second ({@code getconf CLK_TCK}), the unit of /proc CPU times. */
  static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() == 0) {
        return Long.parseLong(out);
      }
    } catch (IOException | NumberFormatException e) {
      // fall through to Linux's usual value
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }

  static long ticksPerSecond() {
    return CLOCK_TICKS;
  }

  /** utime + stime of {@code pid}, in clock ticks (fields 14 and 15 of /proc/pid/stat). */
  static long cpuTicks(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // the command name (field 2) may contain spaces and parentheses: count from the last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state), so field n is f[n - 3]
    return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
  }

  /** utime + stime of every live thread of {@code pid}, by thread id, with its name. */
  static Map<Long, ThreadTicks> threadTicks(long pid) {
    Map<Long, ThreadTicks> out = new HashMap<>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tasks)) {
      for (Path dir : dirs) {
        try {
          String stat = Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII);
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
          out.put(Long.parseLong(dir.getFileName().toString()),
              new ThreadTicks(comm, Long.parseLong(f[11]) + Long.parseLong(f[12])));
        } catch (IOException | RuntimeException e) {
          // the thread ended while we looked
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + tasks, e);
    }
    return out;
  }

  record ThreadTicks(String name, long ticks) {}

  /** A JVM thread's name (15 characters at most in /proc) as a group: what kind of work. */
  static String threadGroup(String comm) {
    if (comm.startsWith("C2 Compiler") || comm.startsWith("C1 Compiler")) {
      return "JIT compiler threads (" + comm.substring(0, 2) + ")";
    }
    if (comm.startsWith("ForkJoinPool-1")) {
      return "virtual threads (their carriers): handlers, turns, store, HTTP calls";
    }
    if (comm.startsWith("ForkJoinPool")) {
      return "other ForkJoinPools (" + comm.replaceAll("\\d+$", "") + ")";
    }
    if (comm.startsWith("HttpClient")) {
      return "HTTP client selector threads";
    }
    if (comm.equals("VM Thread")) {
      return "VM Thread (serial GC, safepoints)";
    }
    if (comm.startsWith("GC Thread") || comm.startsWith("G1") || comm.startsWith("VM Periodic")) {
      return "other GC/VM threads";
    }
    return comm.replaceAll("[-#]?\\d+$", "");
  }

  /** CPU seconds by thread group between two {@link #threadTicks} readings. */
  static Map<String, Double> threadGroupSeconds(Map<Long, ThreadTicks> before,
      Map<Long, ThreadTicks> after) {
    Map<String, Double> groups = new TreeMap<>();
    after.forEach((tid, t) -> {
      ThreadTicks b = before.get(tid);
      long delta = t.ticks() - (b == null ? 0 : b.ticks());
      groups.merge(threadGroup(t.name()), cpuSeconds(delta), Double::sum);
    });
    return groups;
  }

  static double cpuSeconds(long ticks) {
    return ticks / (double) CLOCK_TICKS;
  }

  /** A "VmXXX:   1234 kB" line of /proc/pid/status, in kB; -1 if absent. */
  static long statusKb(long pid, String key) {
    List<String> lines = read(Path.of("/proc", Long.toString(pid), "status")).lines().toList();
    for (String line : lines) {
      if (line.startsWith(key + ":")) {
        String[] parts = line.substring(key.length() + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]);
      }
    }
    return -1;
  }

  /** Machine-wide CPU: {busy ticks, total ticks} summed over all CPUs, from /proc/stat. */
  static long[] machineTicks() {
    String first = read(Path.of("/proc/stat")).lines().findFirst().orElseThrow();
    String[] f = first.trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal
    long total = 0;
    for (int i = 1; i < f.length && i <= 8; i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
    return new long[] {total - idle, total};
  }

  static int cpus() {
    return Runtime.getRuntime().availableProcessors();
  }

  static String cpuModel() {
    return read(Path.of("/proc/cpuinfo")).lines().filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
  }

  static long memTotalMb() {
    return read(Path.of("/proc/meminfo")).lines().filter(l -> l.startsWith("MemTotal:"))
        .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1L);
  }

  static String kernel() {
    return read(Path.of("/proc/sys/kernel/osrelease")).strip();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }
}
