package dev.switchboard.common;

import java.util.concurrent.RejectedExecutionException;

/** Starts supervised background work: the gateway tracks it and stops it at shutdown. */
@FunctionalInterface
public interface TaskSpawner {
  /**
   * Runs {@code task} on a new virtual thread named {@code name}.
   *
   * @throws RejectedExecutionException once the gateway has begun to stop its tasks
   */
  void spawn(String name, Runnable task);
}
