package dev.switchboard.agent;

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

  /** Releases connections and subprocesses. Called once at stop. */
  @Override
  default void close() {}
}
