package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * GatewayLock. POSIX locks belong to a process and closing ANY descriptor of the file releases
 * them, so this test never opens gateway.lock (not even to read it) while this JVM holds the
 * lock: it reads the file after closing the lock, and asks a child JVM ({@link LockHolderMain})
 * to probe or to hold the lock.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayLockTest {
  private static final Path JAVA = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
  private static final Duration CHILD_WAIT = Duration.ofSeconds(20);
  private static final long OUR_PID = ProcessHandle.current().pid();

  @TempDir
  Path home;

  private final List<Child> children = new ArrayList<>();
  private final List<GatewayLock> locks = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (GatewayLock l : locks) {
      l.close();
    }
    for (Child c : children) {
      c.process.destroyForcibly();
      c.process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private GatewayLock acquire(Duration wait) throws Exception {
    GatewayLock l = GatewayLock.acquire(home, wait);
    locks.add(l);
    return l;
  }

  private String lockFileContent() throws IOException {
    return Files.readString(GatewayLock.path(home), StandardCharsets.US_ASCII);
  }

  // ---------------------------------------------------------------- in this process

  @Test
  void acquireCreatesTheFileAndWritesOurPid() throws Exception {
    GatewayLock lock = acquire(Duration.ZERO);
    assertThat(probeFromAnotherProcess()).isEqualTo("PROBE held=true pid=" + OUR_PID);

    lock.close();
    assertThat(lockFileContent()).isEqualTo(OUR_PID + "\n");
  }

  @Test
  void theLockFileIsOwnerOnly() throws Exception {
    acquire(Duration.ZERO).close();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(GatewayLock.path(home))))
        .isEqualTo("rw-------");
  }

  @Test
  void aStaleLockFileLeftByAKilledProcessIsTakenAndOverwritten() throws Exception {
    Files.writeString(GatewayLock.path(home), "99999\n");
    // nobody holds it: the file alone blocks nothing
    GatewayLock.Probe before = GatewayLock.probe(home);
    assertThat(before.held()).isFalse();
    assertThat(before.pid()).hasValue(99999);

    GatewayLock lock = acquire(Duration.ZERO);
    lock.close();

    assertThat(lockFileContent()).isEqualTo(OUR_PID + "\n");
  }

  @Test
  void aLongerStaleContentIsReplacedEntirely() throws Exception {
    Files.writeString(GatewayLock.path(home), "1234567890123 and some garbage\nmore\n");

    acquire(Duration.ZERO).close();

    assertThat(lockFileContent()).isEqualTo(OUR_PID + "\n");
  }

  @Test
  void probeOfAHomeWithNoLockFileIsNotHeldAndCreatesNothing() throws Exception {
    GatewayLock.Probe p = GatewayLock.probe(home);

    assertThat(p.held()).isFalse();
    assertThat(p.pid()).isEmpty();
    assertThat(GatewayLock.path(home)).doesNotExist();
  }

  @Test
  void probeOfAnUnreadablePidReportsNoPid() throws Exception {
    Files.writeString(GatewayLock.path(home), "not a pid\n");
    GatewayLock.Probe p = GatewayLock.probe(home);
    assertThat(p.held()).isFalse();
    assertThat(p.pid()).isEmpty();
  }

  @Test
  void closeReleasesTheLock() throws Exception {
    GatewayLock first = acquire(Duration.ZERO);
    first.close();
    first.close(); // idempotent enough not to fail

    assertThat(probeFromAnotherProcess()).isEqualTo("PROBE held=false pid=" + OUR_PID);
    GatewayLock second = acquire(Duration.ZERO);
    second.close();
  }

  @Test
  void aSecondAcquireInTheHoldingProcessFailsWithOurPid() throws Exception {
    acquire(Duration.ZERO);

    GatewayLock.HeldException e = catchThrowableOfType(
        GatewayLock.HeldException.class, () -> GatewayLock.acquire(home, Duration.ofMillis(100)));

    assertThat(e).isNotNull();
    assertThat(e.pid()).isEqualTo(OUR_PID);
    assertThat(e).hasMessageContaining(Long.toString(OUR_PID));
  }

  /**
   * A second acquire in the JVM that holds the lock must not even open the file: any second
   * descriptor, once closed (by us or by the garbage collector's cleaner), releases this
   * process's POSIX lock, and the gateway would silently stop holding gateway.lock.
   */
  @Test
  void aRejectedSecondAcquireDoesNotReleaseTheLockLater() throws Exception {
    acquire(Duration.ZERO);
    assertThatThrownBy(() -> GatewayLock.acquire(home, Duration.ZERO))
        .isInstanceOf(GatewayLock.HeldException.class);
    assertThat(openDescriptorsOf(GatewayLock.path(home))).isEqualTo(1);

    System.gc();
    assertThat(probeFromAnotherProcess())
        .as("the first lock must survive the rejected second acquire")
        .isEqualTo("PROBE held=true pid=" + OUR_PID);
  }

  // ---------------------------------------------------------------- held by another process

  @Test
  void aLockHeldByAnotherProcessIsSeenAsHeldWithItsPid() throws Exception {
    Child holder = startHolder();

    GatewayLock.Probe p = GatewayLock.probe(home);

    assertThat(p.held()).isTrue();
    assertThat(p.pid()).hasValue(holder.pid());
  }

  @Test
  void acquireGivesUpAfterItsWaitWithTheHoldersPid() throws Exception {
    Child holder = startHolder();

    long t0 = System.nanoTime();
    GatewayLock.HeldException e = catchThrowableOfType(
        GatewayLock.HeldException.class, () -> GatewayLock.acquire(home, Duration.ofMillis(300)));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(e).as("HeldException").isNotNull();
    assertThat(e.pid()).isEqualTo(holder.pid());
    assertThat(e).hasMessageContaining(Long.toString(holder.pid()));
    assertThat(took)
        .isGreaterThanOrEqualTo(Duration.ofMillis(290))
        .isLessThan(Duration.ofSeconds(3));
    // giving up released nothing of the holder's and left no waiter behind
    assertThat(GatewayLock.probe(home).held()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> lockWaiters().isEmpty());
    assertThat(holder.process.isAlive()).isTrue();
  }

  @Test
  void acquireWithoutWaitFailsAtOnce() throws Exception {
    Child holder = startHolder();

    long t0 = System.nanoTime();
    GatewayLock.HeldException e = catchThrowableOfType(
        GatewayLock.HeldException.class, () -> GatewayLock.acquire(home, Duration.ZERO));

    assertThat(e).isNotNull();
    assertThat(e.pid()).isEqualTo(holder.pid());
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void aWaitingAcquireGetsTheLockOnceTheHolderExits() throws Exception {
    Child holder = startHolder();
    await().atMost(Duration.ofSeconds(5)).until(() -> lockWaiters().isEmpty());

    CompletableFuture<GatewayLock> waiting = new CompletableFuture<>();
    long t0 = System.nanoTime();
    Thread.ofPlatform().name("test-acquire").start(() -> {
      try {
        waiting.complete(GatewayLock.acquire(home, Duration.ofSeconds(5)));
      } catch (Throwable t) {
        waiting.completeExceptionally(t);
      }
    });
    // acquire is blocked in its bounded wait for the lock, not failed and not done
    await().atMost(Duration.ofSeconds(5)).until(() -> !lockWaiters().isEmpty());
    assertThat(waiting).isNotDone();
    assertThat(holder.process.isAlive()).isTrue();

    holder.closeStdin(); // the holder exits; the OS releases its lock
    assertThat(holder.process.waitFor(10, TimeUnit.SECONDS)).isTrue();

    GatewayLock lock = waiting.get(10, TimeUnit.SECONDS);
    locks.add(lock);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    lock.close();
    assertThat(lockFileContent()).isEqualTo(OUR_PID + "\n");
  }

  @Test
  void aKilledHoldersLockIsFreeAndItsPidIsReplaced() throws Exception {
    Child holder = startHolder();
    holder.process.destroyForcibly(); // kill -9: no cleanup at all
    assertThat(holder.process.waitFor(10, TimeUnit.SECONDS)).isTrue();

    GatewayLock.Probe p = GatewayLock.probe(home);
    assertThat(p.held()).isFalse();
    assertThat(p.pid()).hasValue(holder.pid());

    acquire(Duration.ZERO).close();
    assertThat(lockFileContent()).isEqualTo(OUR_PID + "\n");
  }

  @Test
  void aSecondHolderProcessIsRefused() throws Exception {
    Child first = startHolder();
    Child second = start("hold");

    assertThat(second.awaitLine()).isEqualTo("HELD " + first.pid());
    assertThat(second.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(second.process.exitValue()).isEqualTo(3);
  }

  // ---------------------------------------------------------------- helpers

  private static List<Thread> lockWaiters() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("gateway-lock-wait") && t.isAlive())
        .toList();
  }

  /** How many descriptors of this process point at {@code file} (read from /proc/self/fd). */
  private static long openDescriptorsOf(Path file) throws IOException {
    Path real = file.toRealPath();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
            try {
              return Files.readSymbolicLink(fd).equals(real);
            } catch (IOException e) {
              return false; // the descriptor of the listing itself, or one closed meanwhile
            }
          })
          .count();
    }
  }

  private String probeFromAnotherProcess() throws Exception {
    Child c = start("probe");
    String line = c.awaitLine();
    assertThat(c.process.waitFor(CHILD_WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    return line;
  }

  private Child startHolder() throws Exception {
    Child c = start("hold");
    String line = c.awaitLine();
    assertThat(line).isEqualTo("LOCKED " + c.pid());
    return c;
  }

  private Child start(String mode) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(
        JAVA.toString(),
        "-Xshare:auto",
        "-XX:TieredStopAtLevel=1",
        "-cp",
        System.getProperty("java.class.path"),
        LockHolderMain.class.getName(),
        mode,
        home.toString());
    pb.redirectErrorStream(true);
    Child c = new Child(pb.start());
    children.add(c);
    return c;
  }

  /** A child JVM whose output lines are collected as they come. */
  private static final class Child {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuilder all = new StringBuilder();

    Child(Process process) {
      this.process = process;
      Thread.ofVirtual().name("child-output-" + process.pid()).start(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            synchronized (all) {
              all.append(line).append('\n');
            }
            lines.add(line);
          }
        } catch (IOException ignored) {
          // the child was destroyed
        }
      });
    }

    long pid() {
      return process.pid();
    }

    /** The first line the child prints that is one of ours (a JVM warning may come first). */
    String awaitLine() throws InterruptedException {
      long deadline = System.nanoTime() + CHILD_WAIT.toNanos();
      while (true) {
        String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          synchronized (all) {
            throw new AssertionError("child " + pid() + " printed nothing expected within "
                + CHILD_WAIT + "; alive=" + process.isAlive() + ", output:\n" + all);
          }
        }
        if (line.startsWith("LOCKED ") || line.startsWith("HELD ") || line.startsWith("PROBE ")) {
          return line;
        }
      }
    }

    void closeStdin() {
      try {
        process.getOutputStream().close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
