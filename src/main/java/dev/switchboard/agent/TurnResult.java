package dev.switchboard.agent;

import org.jspecify.annotations.Nullable;

/**
 * What a finished turn produced.
 *
 * @param text the whole reply
 * @param usage the tokens it cost, or null when the backend does not report them
 */
public record TurnResult(String text, @Nullable TokenUsage usage) {
  public TurnResult(String text) {
    this(text, null);
  }
}
