package dev.switchboard.lifecycle;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.switchboard.common.OwnerOnly;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Thread stacks for the log when something will not stop. */
public final class ThreadDumps {
  private static final Logger log = LoggerFactory.getLogger(ThreadDumps.class);

  private ThreadDumps() {}

  static String formatStack(StackTraceElement[] stack) {
    StringBuilder sb = new StringBuilder();
    for (StackTraceElement e : stack) {
      sb.append("\n\tat ").append(e);
    }
    return sb.toString();
  }

  /**
   * Logs every platform thread's stack at WARN and writes a full dump, virtual threads included
   * (which {@link Thread#getAllStackTraces()} leaves out), to a file in {@code dir}. Returns the
   * file, or null if it could not be written.
   */
  public static @Nullable Path dump(String why, @Nullable Path dir) {
    StringBuilder sb = new StringBuilder("thread dump (" + why + "):");
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      Thread t = e.getKey();
      sb.append("\n\"")
          .append(t.getName())
          .append("\" ")
          .append(t.isDaemon() ? "daemon " : "")
          .append(t.getState())
          .append(formatStack(e.getValue()));
    }
    log.warn(sb.toString());
    if (dir == null) {
      return null;
    }
    try {
      OwnerOnly.createDirectories(dir);
      Path file = dir.resolve("threads-" + Instant.now().toString().replace(':', '-') + ".txt");
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
      OwnerOnly.tighten(file); // dumpThreads makes the file itself, with the umask's mode
      log.warn("full thread dump, virtual threads included: {}", file);
      return file;
    } catch (IOException | RuntimeException e) {
      log.warn("could not write a full thread dump to {}: {}", dir, e.toString());
      return null;
    }
  }
}
