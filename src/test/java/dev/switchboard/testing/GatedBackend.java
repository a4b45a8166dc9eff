package dev.switchboard.testing;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnOutput;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend whose turns run until the test lets them finish: each turn streams "working on:
 * <text>", then waits for {@link #finish(String)} of its text (or any text with {@link
 * #finishAll()}), and replies "done: <text>". It records concurrency so tests can assert "at
 * most one turn per session".
 */
public final class GatedBackend implements AgentBackend {
  private final ConcurrentHashMap<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final BlockingQueue<TurnRequest> started = new LinkedBlockingQueue<>();
  private final List<String> finished = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, AtomicInteger> runningPerChat = new ConcurrentHashMap<>();
  private final AtomicInteger maxConcurrentPerChat = new AtomicInteger();
  private volatile boolean openGate;
  private volatile boolean ignoreCancel;

  /** Turns end on their own from now on. */
  public void finishAll() {
    openGate = true;
    gates.values().forEach(CountDownLatch::countDown);
  }

  public void finish(String text) {
    gates.computeIfAbsent(text, t -> new CountDownLatch(1)).countDown();
  }

  /** Turns keep waiting after a cancel or an interrupt, like a stuck backend. */
  public void ignoreCancel(boolean ignore) {
    this.ignoreCancel = ignore;
  }

  /** Waits for the next turn to start and returns its request. */
  public TurnRequest awaitStart(long seconds) throws InterruptedException {
    TurnRequest r = started.poll(seconds, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no turn started within " + seconds + " s");
    }
    return r;
  }

  public List<String> finished() {
    return List.copyOf(finished);
  }

  public int maxConcurrentPerChat() {
    return maxConcurrentPerChat.get();
  }

  @Override
  public String describe() {
    return "gated";
  }

  @Override
  public TurnResult run(TurnRequest request, TurnOutput output, TurnControl control)
      throws InterruptedException {
    AtomicInteger running =
        runningPerChat.computeIfAbsent(request.chat().toString(), c -> new AtomicInteger());
    maxConcurrentPerChat.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      started.add(request);
      output.append("working on: " + request.text());
      CountDownLatch gate = gates.computeIfAbsent(request.text(), t -> new CountDownLatch(1));
      if (openGate) {
        gate.countDown();
      }
      while (true) {
        try {
          gate.await();
          break;
        } catch (InterruptedException e) {
          if (!ignoreCancel) {
            throw e;
          }
        }
      }
      finished.add(request.text());
      return new TurnResult("done: " + request.text());
    } finally {
      running.decrementAndGet();
    }
  }
}
