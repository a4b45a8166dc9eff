package dev.switchboard.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What systemd does with our unit, reduced to the part under test: start the gateway with
 * INVOCATION_ID set, and when it exits with 75 start it again after {@code restartDelay}; any
 * other exit ends the supervision. Every child and exit code is kept for assertions.
 */
public final class StandInSupervisor implements AutoCloseable {
  private final Path home;
  private final Map<String, String> env;
  private final Duration restartDelay;
  private final List<ChildGateway> children = new CopyOnWriteArrayList<>();
  private final List<Integer> exitCodes = new CopyOnWriteArrayList<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final Thread watcher;
  private volatile boolean closing;

  public StandInSupervisor(Path home, Map<String, String> env, Duration restartDelay)
      throws IOException {
    this.home = home;
    this.env = new java.util.HashMap<>(env);
    this.env.put("INVOCATION_ID", "stand-in-supervisor");
    this.restartDelay = restartDelay;
    children.add(ChildGateway.run(home, this.env));
    this.watcher = Thread.ofVirtual().name("stand-in-supervisor").start(this::watch);
  }

  private void watch() {
    try {
      while (!closing) {
        ChildGateway current = children.getLast();
        int code = current.process().waitFor();
        exitCodes.add(code);
        if (code != 75 || closing) {
          return;
        }
        if (ended.await(restartDelay.toNanos(), TimeUnit.NANOSECONDS)) {
          return; // closed while waiting to restart
        }
        children.add(ChildGateway.run(home, env));
      }
    } catch (InterruptedException | IOException e) {
      // closing
    } finally {
      ended.countDown();
    }
  }

  public ChildGateway current() {
    return children.getLast();
  }

  public List<ChildGateway> children() {
    return List.copyOf(children);
  }

  public List<Integer> exitCodes() {
    return List.copyOf(exitCodes);
  }

  @Override
  public void close() {
    closing = true;
    ended.countDown();
    children.forEach(ChildGateway::close);
    watcher.interrupt();
  }
}
