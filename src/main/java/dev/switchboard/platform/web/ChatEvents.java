package dev.switchboard.platform.web;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Who is watching which conversation: each open page has a bounded queue of events. A page too
 * slow to keep up loses its stream (and reconnects to a fresh snapshot) rather than making the
 * gateway buffer for it without end.
 */
final class ChatEvents {
  static final int QUEUE = 256;

  /** One event for the page: its SSE name and JSON data. */
  record Event(String name, String json) {
    static final Event END = new Event("", "");

    /** Whether this is {@link #END} itself: the marker is that one object, not its fields. */
    @SuppressWarnings("ReferenceEquality") // identity is the point: no other event ends a stream
    boolean isEnd() {
      return this == END;
    }
  }

  /** One open page. */
  static final class Watcher {
    final String chatId;
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
    private volatile boolean ended;

    Watcher(String chatId) {
      this.chatId = chatId;
    }

    /** The next event, or empty after {@code seconds} of quiet; {@link Event#END} ends it. */
    Optional<Event> next(long seconds) throws InterruptedException {
      if (ended) {
        return Optional.of(Event.END);
      }
      return Optional.ofNullable(queue.poll(seconds, TimeUnit.SECONDS));
    }

    void offer(Event e) {
      if (!queue.offer(e)) {
        end();
      }
    }

    void end() {
      ended = true;
      queue.clear();
      queue.offer(Event.END);
    }
  }

  private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();

  Watcher watch(String chatId) {
    Watcher w = new Watcher(chatId);
    watchers.add(w);
    return w;
  }

  void unwatch(Watcher w) {
    watchers.remove(w);
  }

  /** To the pages showing {@code chatId}. */
  void toChat(String chatId, Event e) {
    for (Watcher w : watchers) {
      if (w.chatId.equals(chatId)) {
        w.offer(e);
      }
    }
  }

  /** To every open page (a title changed in the list). */
  void toAll(Event e) {
    watchers.forEach(w -> w.offer(e));
  }

  /** Ends every stream: the gateway is stopping; the pages reconnect to the next process. */
  void endAll() {
    watchers.forEach(Watcher::end);
  }

  int open() {
    return watchers.size();
  }
}
