package dev.switchboard.platform.web;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The recent windows of the conversations used last, within a budget of bytes: when they
 * outgrow it, the least recently used go first, to be read again from disk when asked for.
 */
final class WindowCache {
  private record Sized(RecentWindow window, long bytes) {}

  private final long budget;

  @GuardedBy("this")
  private final LinkedHashMap<String, Sized> windows = new LinkedHashMap<>(16, 0.75f, true);

  @GuardedBy("this")
  private long total;

  WindowCache(long budget) {
    this.budget = budget;
  }

  synchronized @Nullable RecentWindow get(String chatId) {
    Sized s = windows.get(chatId);
    return s == null ? null : s.window;
  }

  /** Keeps {@code window} (again, after it changed), then lets go of the oldest over budget. */
  synchronized void put(String chatId, RecentWindow window) {
    Sized old = windows.put(chatId, new Sized(window, window.bytes()));
    total += window.bytes() - (old == null ? 0 : old.bytes);
    Iterator<Map.Entry<String, Sized>> eldest = windows.entrySet().iterator();
    while (total > budget && eldest.hasNext()) {
      total -= eldest.next().getValue().bytes;
      eldest.remove();
    }
  }

  synchronized void remove(String chatId) {
    Sized old = windows.remove(chatId);
    total -= old == null ? 0 : old.bytes;
  }

  synchronized void clear() {
    windows.clear();
    total = 0;
  }

  synchronized long bytes() {
    return total;
  }

  synchronized int size() {
    return windows.size();
  }
}
