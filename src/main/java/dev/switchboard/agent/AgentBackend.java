package dev.switchboard.agent;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Runs agent turns. {@link #run} is called on a virtual thread per turn, at most one at a time
 * per session, and may block. It returns early when {@code control} is cancelled or the thread
 * is interrupted, with whatever text it has.
 */
public interface AgentBackend extends AutoCloseable {
  /** Shown by /status: "echo", "openai (gpt-4o)". */
  String describe();

  TurnResult run(TurnRequest request, TurnOutput output, TurnControl control)
      throws AgentException, InterruptedException;

  /**
   * Whether turns need {@link TurnRequest#history()}; a backend that answers from the message
   * alone says no, and the gateway skips reading the transcript for it.
   */
  default boolean usesHistory() {
    return true;
  }

  /** The model used when a session chose none; null for a backend without models. */
  default @Nullable String defaultModel() {
    return null;
  }

  /** Models a session may pick with /model; empty: any name is passed on as given. */
  default List<String> models() {
    return List.of();
  }

  /**
   * A conversation ended (/new, or its session was dropped): release what was kept for it,
   * such as an agent subprocess. Must not block for long.
   */
  default void conversationEnded(String conversationId) {}

  /** Releases connections and subprocesses. Called once at stop. */
  @Override
  default void close() {}
}
