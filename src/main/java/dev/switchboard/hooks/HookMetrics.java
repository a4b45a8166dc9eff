package dev.switchboard.hooks;

/** What the gateway's metrics count of hooks; called on hook threads, returns at once. */
public interface HookMetrics {
  /**
   * A hook ran for {@code event}.
   *
   * @param result ok, failed, timed_out, stopped or not_started
   */
  void hookRan(String event, String result);

  /** An event was dropped: the queue of events waiting for a free slot was full. */
  void hookEventDropped(String event);

  HookMetrics NONE = new HookMetrics() {
    @Override
    public void hookRan(String event, String result) {}

    @Override
    public void hookEventDropped(String event) {}
  };
}
