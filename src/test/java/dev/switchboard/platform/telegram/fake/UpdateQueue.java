package dev.switchboard.platform.telegram.fake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bot's pending updates and the two ways of taking them: getUpdates (offset confirmation,
 * negative offsets, long polling, one poll at a time) and webhook delivery.
 *
 * <p>Everything is guarded by one lock; waits are condition waits with deadlines.
 */
final class UpdateQueue {
  static final String TERMINATED_BY_OTHER =
      "terminated by other getUpdates request; make sure that only one bot instance is running";
  static final String TERMINATED_BY_SET_WEBHOOK = "terminated by setWebhook request";
  static final String WEBHOOK_ACTIVE = "can't use getUpdates method while webhook is active; "
      + "use deleteWebhook to delete the webhook first";

  /** Update types a bot does not get unless it lists them in allowed_updates. */
  private static final Set<String> OFF_BY_DEFAULT =
      Set.of("chat_member", "message_reaction", "message_reaction_count");

  /** One pending update; a redelivered one survives confirmation until delivered again. */
  private static final class Entry {
    final long id;
    final ObjectNode update;
    boolean awaitingRedelivery;

    Entry(long id, ObjectNode update, boolean awaitingRedelivery) {
      this.id = id;
      this.update = update;
      this.awaitingRedelivery = awaitingRedelivery;
    }
  }

  private final JsonMapper json;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // guarded by lock:
  private final List<Entry> pending = new ArrayList<>();
  private final Map<Long, ObjectNode> created = new HashMap<>();
  private long nextId = 1;
  private long confirmedUpTo;
  private long pollGeneration;
  private String terminationReason = TERMINATED_BY_OTHER;
  private int waitingPolls;
  private long webhookGeneration;
  private boolean webhookActive;
  private List<String> allowedUpdates = List.of();
  private boolean closed;
  private boolean keepCreated = true;

  UpdateQueue(JsonMapper json) {
    this.json = json;
  }

  /** Queues an update of {@code type} (e.g. "message"); returns its update_id. */
  long add(String type, ObjectNode payload) {
    lock.lock();
    try {
      long id = nextId++;
      ObjectNode update = json.createObjectNode();
      update.put("update_id", id);
      update.set(type, payload);
      if (keepCreated) {
        created.put(id, update);
      }
      if (allowed(type)) {
        pending.add(new Entry(id, update, false));
        changed.signalAll();
      }
      return id;
    } finally {
      lock.unlock();
    }
  }

  private boolean allowed(String type) {
    return allowedUpdates.isEmpty()
        ? !OFF_BY_DEFAULT.contains(type)
        : allowedUpdates.contains(type);
  }

  /**
   * Stops keeping every update created for {@link #redeliver} (a soak of hours creates hundreds
   * of thousands); those created from now on cannot be redelivered.
   */
  void stopKeepingCreated() {
    lock.lock();
    try {
      keepCreated = false;
    } finally {
      lock.unlock();
    }
  }

  /** Queues an update that was already created once again, with the same update_id. */
  void redeliver(long updateId) {
    lock.lock();
    try {
      ObjectNode update = created.get(updateId);
      if (update == null) {
        throw new IllegalArgumentException("no update " + updateId + " was ever created");
      }
      Optional<Entry> queued = pending.stream().filter(e -> e.id == updateId).findFirst();
      if (queued.isPresent()) {
        queued.get().awaitingRedelivery = true;
      } else {
        pending.add(new Entry(updateId, update, true));
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** allowed_updates of getUpdates or setWebhook; an empty list means the default set. */
  void setAllowedUpdates(List<String> types) {
    lock.lock();
    try {
      allowedUpdates = List.copyOf(types);
    } finally {
      lock.unlock();
    }
  }

  List<String> allowedUpdates() {
    lock.lock();
    try {
      return allowedUpdates;
    } finally {
      lock.unlock();
    }
  }

  /**
   * getUpdates: confirms what lies below {@code offset}, then returns up to {@code limit}
   * updates, waiting up to {@code timeoutSeconds} for the first one. A newer call, or
   * setWebhook, ends a waiting one with 409.
   */
  List<ObjectNode> poll(long offset, int limit, int timeoutSeconds) {
    lock.lock();
    try {
      if (webhookActive) {
        throw ApiException.conflict(WEBHOOK_ACTIVE);
      }
      long generation = ++pollGeneration;
      terminationReason = TERMINATED_BY_OTHER;
      changed.signalAll();
      confirmBelow(normalize(offset));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (true) {
        if (generation != pollGeneration) {
          throw ApiException.conflict(terminationReason);
        }
        List<ObjectNode> batch = take(limit);
        long remaining = deadline - System.nanoTime();
        if (!batch.isEmpty() || remaining <= 0 || closed) {
          return batch;
        }
        waitingPolls++;
        changed.signalAll();
        try {
          changed.awaitNanos(remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return List.of();
        } finally {
          waitingPolls--;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Negative offsets count from the end of the queue; 0 means the first pending update. */
  private long normalize(long offset) {
    if (offset >= 0 || pending.isEmpty()) {
      return offset;
    }
    long head = pending.stream().mapToLong(e -> e.id).min().orElse(nextId);
    return Math.max(nextId + offset, head);
  }

  private void confirmBelow(long offset) {
    if (offset <= 0) {
      return;
    }
    pending.removeIf(e -> e.id < offset && !e.awaitingRedelivery);
    confirmedUpTo = Math.max(confirmedUpTo, Math.min(offset, nextId) - 1);
  }

  private List<ObjectNode> take(int limit) {
    List<ObjectNode> batch = new ArrayList<>();
    for (Entry e : pending) {
      if (batch.size() == limit) {
        break;
      }
      e.awaitingRedelivery = false;
      batch.add(e.update.deepCopy());
    }
    return batch;
  }

  /** Waits until a getUpdates call is parked waiting for updates; false on timeout. */
  boolean awaitWaitingPoll(Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      long remaining = timeout.toNanos();
      while (waitingPolls == 0) {
        if (remaining <= 0 || closed) {
          return false;
        }
        remaining = changed.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** setWebhook: ends a waiting getUpdates and hands delivery to the returned generation. */
  long activateWebhook() {
    lock.lock();
    try {
      webhookActive = true;
      pollGeneration++;
      terminationReason = TERMINATED_BY_SET_WEBHOOK;
      webhookGeneration++;
      changed.signalAll();
      return webhookGeneration;
    } finally {
      lock.unlock();
    }
  }

  void deactivateWebhook() {
    lock.lock();
    try {
      webhookActive = false;
      webhookGeneration++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The first pending update for webhook {@code generation}; empty once it is replaced. */
  Optional<ObjectNode> awaitWebhookHead(long generation) throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        if (closed || generation != webhookGeneration) {
          return Optional.empty();
        }
        if (!pending.isEmpty()) {
          Entry head = pending.getFirst();
          head.awaitingRedelivery = false;
          return Optional.of(head.update.deepCopy());
        }
        // woken by add, redeliver, deactivateWebhook and close; the timeout is a safety net
        changed.await(1, TimeUnit.SECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits {@code pause} unless the webhook generation ends first; true if still current. */
  boolean pauseWebhook(long generation, Duration pause) throws InterruptedException {
    lock.lock();
    try {
      long remaining = pause.toNanos();
      while (remaining > 0 && !closed && generation == webhookGeneration) {
        remaining = changed.awaitNanos(remaining);
      }
      return !closed && generation == webhookGeneration;
    } finally {
      lock.unlock();
    }
  }

  /** The webhook answered 2xx for {@code updateId}: the update is confirmed. */
  void acknowledge(long generation, long updateId) {
    lock.lock();
    try {
      if (generation != webhookGeneration) {
        return;
      }
      pending.removeIf(e -> e.id == updateId && !e.awaitingRedelivery);
      confirmedUpTo = Math.max(confirmedUpTo, updateId);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** drop_pending_updates: forgets everything queued. */
  void dropPending() {
    lock.lock();
    try {
      pending.clear();
      confirmedUpTo = nextId - 1;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  long confirmedUpTo() {
    lock.lock();
    try {
      return confirmedUpTo;
    } finally {
      lock.unlock();
    }
  }

  int pendingCount() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  /** Ends every wait: polls return what they have, webhook delivery stops. */
  void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
