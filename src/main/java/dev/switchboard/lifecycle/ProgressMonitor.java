package dev.switchboard.lifecycle;

import dev.switchboard.common.Heartbeat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The loops whose progress proves the gateway is alive: the dispatch loop and each adapter's
 * receive loop. The watchdog and health follow {@link #stalled()}, not open sockets.
 */
public final class ProgressMonitor {
  private final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();

  public void register(Heartbeat heartbeat) {
    heartbeats.add(heartbeat);
  }

  /**
   * The loop is gone for good (a platform's connection torn down to be made again): without
   * this, a platform reconnected for months would leave a retired heartbeat behind each time.
   */
  public void forget(Heartbeat heartbeat) {
    heartbeats.remove(heartbeat);
  }

  /** Loops that should be beating and are not; empty when the gateway is making progress. */
  public List<Heartbeat> stalled() {
    return heartbeats.stream().filter(Heartbeat::stalled).toList();
  }

  public List<Heartbeat> all() {
    return List.copyOf(heartbeats);
  }
}
