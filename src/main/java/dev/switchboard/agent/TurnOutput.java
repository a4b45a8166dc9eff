package dev.switchboard.agent;

/** Where a backend streams the text of its reply as it is produced. */
@FunctionalInterface
public interface TurnOutput {
  void append(String delta);
}
