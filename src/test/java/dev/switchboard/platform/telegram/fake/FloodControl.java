package dev.switchboard.platform.telegram.fake;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Telegram's flood control for sending: sliding windows per chat (per second), per group chat
 * (per minute) and for the whole bot (per second). Past a limit the call fails with 429 and a
 * retry_after of the whole seconds until the window has room. Refused calls do not count.
 *
 * <p>Telegram publishes guidance, not its algorithm: about 1 message per second per chat, 20
 * per minute per group, 30 per second overall. Off until {@link #configure} is called.
 */
final class FloodControl {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

  /** Limits; 0 or less means no limit on that window. */
  record Limits(int perChatPerSecond, int perGroupPerMinute, int globalPerSecond) {}

  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock:
  private Limits limits;
  private final Map<Long, Deque<Long>> perChat = new HashMap<>();
  private final Map<Long, Deque<Long>> perGroup = new HashMap<>();
  private final Deque<Long> global = new ArrayDeque<>();

  void configure(Limits newLimits) {
    lock.lock();
    try {
      limits = newLimits;
      perChat.clear();
      perGroup.clear();
      global.clear();
    } finally {
      lock.unlock();
    }
  }

  /** Counts one message to {@code chatId}, or throws 429 when a window is full. */
  void acquire(long chatId, boolean isGroup) {
    lock.lock();
    try {
      if (limits == null) {
        return;
      }
      long now = System.nanoTime();
      Deque<Long> chat = perChat.computeIfAbsent(chatId, id -> new ArrayDeque<>());
      Deque<Long> group =
          isGroup ? perGroup.computeIfAbsent(chatId, id -> new ArrayDeque<>()) : null;
      long wait = Math.max(
          waitFor(chat, limits.perChatPerSecond(), SECOND, now),
          waitFor(global, limits.globalPerSecond(), SECOND, now));
      if (group != null) {
        wait = Math.max(wait, waitFor(group, limits.perGroupPerMinute(), MINUTE, now));
      }
      if (wait > 0) {
        throw ApiException.tooManyRequests((int) Math.max(1, (wait + SECOND - 1) / SECOND));
      }
      chat.addLast(now);
      global.addLast(now);
      if (group != null) {
        group.addLast(now);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Nanoseconds until {@code window} has room for one more, 0 if it has room now. */
  private static long waitFor(Deque<Long> window, int limit, long span, long now) {
    while (!window.isEmpty() && window.peekFirst() <= now - span) {
      window.removeFirst();
    }
    if (limit <= 0 || window.size() < limit) {
      return 0;
    }
    long oldestThatMustLeave =
        window.stream().skip(window.size() - limit).findFirst().orElseThrow();
    return oldestThatMustLeave + span - now;
  }
}
