package dev.switchboard.agent;

/**
 * Where a backend streams the text of its reply as it is produced. It may be called from any
 * thread (a reader thread of an HTTP stream or a subprocess); pieces that arrive after the turn
 * has ended are dropped.
 */
@FunctionalInterface
public interface TurnOutput {
  void append(String delta);
}
