package dev.switchboard.store;

/**
 * Everything the gateway keeps across restarts. One per state directory; implementations live
 * in subpackages (SQLite embedded by default) and are found by the runtime, never named by
 * the core.
 */
public interface Store extends AutoCloseable {
  InboundJournal journal();

  Outbox outbox();

  Cursors cursors();

  Conversations conversations();

  Pairings pairings();

  @Override
  void close();
}
