package dev.switchboard.session;

import dev.switchboard.common.TaskSpawner;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.NoticeKind;
import java.util.concurrent.RejectedExecutionException;

/**
 * Sends notices about messages from tasks of their own, so the caller (the dispatch loop, the
 * stop) never waits on a platform; a drain waits for the notices on their way, so a command's
 * answer such as /restart's "Restarting…" reaches its chat before the platforms disconnect.
 */
final class Notices {
  private final Delivery delivery;
  private final TaskSpawner spawner;
  private final DrainGate gate;

  Notices(Delivery delivery, TaskSpawner spawner, DrainGate gate) {
    this.delivery = delivery;
    this.spawner = spawner;
    this.gate = gate;
  }

  /**
   * Sends a notice about {@code about}. {@code key} (from {@code OutboxKeys}) makes it
   * idempotent: a message handled again after a crash gets no second copy.
   */
  void about(InboundMessage about, NoticeKind kind, String text, String key) {
    gate.enter();
    runAside("notice " + about.chat(), () -> {
      try {
        delivery.noticeAbout(about, kind, text, key);
      } finally {
        gate.leave();
      }
    });
  }

  /** Runs {@code task} on a task of its own, or here once the tasks are closed. */
  void runAside(String name, Runnable task) {
    try {
      spawner.spawn(name, task);
    } catch (RejectedExecutionException e) {
      task.run(); // the tasks are closed: this is the last chance, take it here
    }
  }
}
