package dev.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Poor man's wall-clock profiler for virtual threads: {@code jcmd PID Thread.dump_to_file}
 * snapshots (they include virtual threads, which Thread.print and JFR's execution samples
 * miss while they wait) taken at even intervals through a measured window, then, for every
 * gateway turn thread ("turns ..."), its innermost Switchboard frame is counted. The shares
 * say where turns spend their time, running or waiting (a lock, the disk, an HTTP answer).
 */
final class ThreadDumps {
  private static final Pattern THREAD_HEADER = Pattern.compile("\n(?=#\\d+ \")");

  private ThreadDumps() {}

  /** Takes {@code count} dumps of {@code pid} spread over {@code windowNanos}; returns files. */
  static List<Path> take(long pid, int count, long windowNanos, Path dir) {
    List<Path> files = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      Latency.parkUntil(start + windowNanos * i / count + windowNanos / (2L * count));
      Path file = dir.resolve("threads-" + pid + "-" + i + ".txt").toAbsolutePath();
      try {
        Files.deleteIfExists(file);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd")
            .toString(), Long.toString(pid), "Thread.dump_to_file", "-format=text",
            file.toString()).redirectErrorStream(true).redirectOutput(
                ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.exists(file)) {
          files.add(file);
        }
      } catch (IOException e) {
        System.err.println("bench: thread dump failed: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return files;
  }

  /** Share of turn-thread samples by innermost Switchboard frame, largest first. */
  static Map<String, Double> turnFrames(List<Path> dumps) {
    Map<String, Integer> counts = new TreeMap<>();
    int total = 0;
    for (Path f : dumps) {
      String text;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        continue;
      }
      for (String block : THREAD_HEADER.split(text)) {
        if (!block.contains("\"turns ")) {
          continue;
        }
        total++;
        String frame = block.lines().map(String::strip)
            .filter(l -> l.startsWith("at dev.switchboard.")).findFirst()
            .map(l -> l.substring(3)).orElse("(no Switchboard frame yet)");
        counts.merge(frame, 1, Integer::sum);
      }
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    int n = total;
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(e -> shares.put(e.getKey(), e.getValue() / (double) n));
    shares.put("(turn-thread samples)", (double) total);
    return shares;
  }
}
