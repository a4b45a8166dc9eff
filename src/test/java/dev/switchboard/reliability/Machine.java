package dev.switchboard.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine a soak ran on, for its report (Linux /proc; "unknown" where it cannot tell). */
final class Machine {
  private Machine() {}

  static Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
    m.put("cpu_model", firstValue("/proc/cpuinfo", "model name"));
    m.put("mem_total", firstValue("/proc/meminfo", "MemTotal"));
    m.put("kernel", read("/proc/sys/kernel/osrelease"));
    m.put("java", Runtime.version().toString());
    m.put("load_average_at_start", loadAverage());
    return m;
  }

  /** /proc/loadavg: the 1, 5 and 15 minute load averages, running/total tasks, last pid. */
  static String loadAverage() {
    return read("/proc/loadavg");
  }

  private static String firstValue(String file, String key) {
    return read(file)
        .lines()
        .filter(l -> l.startsWith(key))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst()
        .orElse("unknown");
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
