package dev.switchboard.session;

import dev.switchboard.platform.InboundMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One session's queue and turn. Every field is guarded by the {@link LaneScheduler}'s lock, and
 * every method is called with it held.
 */
final class Lane {
  final SessionKey key;
  final ArrayDeque<InboundMessage> waiting = new ArrayDeque<>();

  @Nullable
  RunningTurn current;

  boolean runnerActive;

  Lane(SessionKey key) {
    this.key = key;
  }

  /**
   * Takes {@code m} into the queue unless it is full, and says what else must happen: which
   * turn to supersede, what to tell the chat, whether a runner must start.
   */
  LaneAdmission admit(InboundMessage m, BusyPolicy policy, int maxQueued) {
    if (waiting.size() >= maxQueued) {
      return new LaneAdmission.Refused("Too many messages are waiting in this conversation ("
          + maxQueued + "). Send /stop to clear them.");
    }
    int ahead = waiting.size() + (current != null ? 1 : 0);
    waiting.add(m);
    RunningTurn toSupersede = null;
    String acknowledgement = null;
    if (current != null && policy == BusyPolicy.INTERRUPT && !current.resumed) {
      toSupersede = current;
      acknowledgement = "\u23f9 Stopping the current reply to answer this one.";
    } else if (ahead > 0) {
      acknowledgement = "\u23f3 Queued: " + (ahead == 1 ? "1 message is" : ahead + " messages are")
          + " ahead of this one.";
    }
    Lane toStart = null;
    if (!runnerActive) {
      runnerActive = true;
      toStart = this;
    }
    return new LaneAdmission.Queued(acknowledgement, toSupersede, toStart);
  }

  /** Removes and returns the waiting messages, oldest first. */
  List<InboundMessage> takeWaiting() {
    List<InboundMessage> taken = new ArrayList<>(waiting);
    waiting.clear();
    return taken;
  }

  boolean idle() {
    return !runnerActive && current == null && waiting.isEmpty();
  }
}
