package dev.switchboard.agent;

/**
 * Where a backend streams the text of its reply as it is produced. It may be called from any
 * thread (a reader thread of an HTTP stream or a subprocess); pieces that arrive after the turn
 * has ended are dropped.
 */
@FunctionalInterface
public interface TurnOutput {
  void append(String delta);

  /**
   * The agent started or finished a tool call: one short line ("🔧 read_file src/App.java").
   * Shown in the chat only when tool progress is enabled; never part of the reply's text.
   */
  default void toolProgress(String line) {}
}
