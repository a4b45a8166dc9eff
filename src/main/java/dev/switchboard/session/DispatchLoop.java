package dev.switchboard.session;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Ticker;
import dev.switchboard.platform.InboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded intake between the adapters and the {@link Dispatcher}, and the one loop that
 * takes its messages in arrival order. {@link #offer} waits up to {@code intakeWait} for room,
 * which slows an adapter instead of dropping its messages. The loop beats a {@link Heartbeat}
 * on every iteration, idle or not; the watchdog and health follow it.
 */
final class DispatchLoop {
  private static final Logger log = LoggerFactory.getLogger(DispatchLoop.class);
  private static final Duration POLL = Duration.ofSeconds(1);

  private final DispatcherSettings settings;
  private final BlockingQueue<InboundMessage> intake;
  private final Heartbeat heartbeat;
  private final DispatcherListener listener;
  private final Supplier<DrainReason> drainReason;
  private volatile boolean closed;
  private volatile @Nullable Thread thread;

  DispatchLoop(
      DispatcherSettings settings,
      Ticker ticker,
      DispatcherListener listener,
      Supplier<DrainReason> drainReason) {
    this.settings = settings;
    this.intake = new ArrayBlockingQueue<>(settings.intakeCapacity());
    this.heartbeat = new Heartbeat("dispatch-loop", Dispatcher.LOOP_MAX_SILENCE, ticker);
    this.listener = listener;
    this.drainReason = drainReason;
  }

  Heartbeat heartbeat() {
    return heartbeat;
  }

  /**
   * Puts {@code m} in the intake, waiting for room; false when none came in time. Once closed,
   * the message is deferred to the next process instead (and true is returned).
   */
  boolean offer(InboundMessage m) throws InterruptedException {
    if (closed) {
      log.info("message from {} arrived after the dispatcher closed; deferred", m.chat());
      listener.deferred(m, drainReason.get());
      return true;
    }
    if (intake.offer(m, settings.intakeWait().toNanos(), TimeUnit.NANOSECONDS)) {
      return true;
    }
    log.warn(
        "intake full ({} messages waited {} ms); telling {} to send again",
        settings.intakeCapacity(),
        settings.intakeWait().toMillis(),
        m.chat());
    return false;
  }

  /** Runs the loop on the calling thread until {@link #close} or an interrupt. */
  void run(Consumer<InboundMessage> route) {
    thread = Thread.currentThread();
    try {
      while (!closed) {
        InboundMessage m;
        try {
          m = intake.poll(POLL.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          break;
        }
        heartbeat.beat();
        if (m != null) {
          try {
            route.accept(m);
          } catch (RuntimeException e) {
            // One bad message must not take the loop (and every chat) down with it.
            log.error("failed to route a message from {}", m.chat(), e);
          }
        }
      }
    } finally {
      heartbeat.retire();
      log.debug("dispatch loop ended");
    }
  }

  /** Ends the loop; messages still in the intake are deferred: the next process answers them. */
  void close() {
    closed = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
    List<InboundMessage> left = new ArrayList<>();
    intake.drainTo(left);
    if (!left.isEmpty()) {
      log.info(
          "{} message(s) were still waiting to be dispatched; deferred to the next process",
          left.size());
    }
    DrainReason reason = drainReason.get();
    left.forEach(m -> listener.deferred(m, reason));
  }
}
