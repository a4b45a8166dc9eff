package dev.switchboard.hooks;

import java.time.Duration;

/** Where {@link HookEvents} puts each event: the {@link HookQueue}, or a test's list. */
interface EventSink {
  /** An event for the hooks: its kind and its JSON, one line. */
  record Pending(EventKind kind, String json) {}

  /**
   * Whether an event of {@code kind} would reach any hook now. Asked before an event is built:
   * most gateways have no hooks, and building, serializing and queueing two events per turn for
   * nobody cost about 5 % of a busy gateway's CPU (bench/README.md).
   */
  boolean wanted(EventKind kind);

  /** Takes {@code event} without waiting; false when it was dropped. */
  boolean offer(Pending event);

  /** Takes no more events; bounded by {@code grace} and a little more. */
  void close(Duration grace);
}
