package dev.switchboard.lifecycle;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link GatewayLockTest}, so the lock is held by another process (POSIX
 * locks are per process: a second open of gateway.lock in the holder would release its lock).
 *
 * <ul>
 *   <li>{@code hold <home>}: takes the lock, prints {@code LOCKED <pid>}, then blocks reading
 *       stdin and exits when it is closed (the OS drops the lock with the process).
 *   <li>{@code probe <home>}: prints {@code PROBE held=<true|false> pid=<pid or -1>} and exits.
 * </ul>
 */
public final class LockHolderMain {
  private LockHolderMain() {}

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[1]);
    switch (args[0]) {
      case "hold" -> hold(home);
      case "probe" -> {
        GatewayLock.Probe p = GatewayLock.probe(home);
        System.out.println("PROBE held=" + p.held() + " pid=" + p.pid().orElse(-1));
        System.out.flush();
      }
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void hold(Path home) throws Exception {
    GatewayLock lock;
    try {
      lock = GatewayLock.acquire(home, Duration.ZERO);
    } catch (GatewayLock.HeldException e) {
      System.out.println("HELD " + e.pid());
      System.out.flush();
      System.exit(3);
      return;
    }
    System.out.println("LOCKED " + ProcessHandle.current().pid());
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (in.readLine() != null) {
      // wait for EOF
    }
    // Exit while still holding, like a process that is killed: the OS releases the lock.
    Runtime.getRuntime().halt(lock == null ? 1 : 0);
  }
}
