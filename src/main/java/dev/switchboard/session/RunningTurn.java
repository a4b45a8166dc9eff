package dev.switchboard.session;

import dev.switchboard.agent.TurnControl;
import dev.switchboard.platform.InboundMessage;

/** A turn on its lane's runner thread. */
final class RunningTurn {
  final Lane lane;
  final InboundMessage message;
  final Thread thread;
  final TurnControl control = new TurnControl();
  /** Until the backend returns, a cancel interrupts the thread. Guarded by the lane scheduler's lock. */
  boolean interruptible = true;
  /** Left by the previous process: newer messages queue behind it. Guarded by the lock. */
  boolean resumed;

  RunningTurn(Lane lane, InboundMessage message, Thread thread) {
    this.lane = lane;
    this.message = message;
    this.thread = thread;
  }
}
