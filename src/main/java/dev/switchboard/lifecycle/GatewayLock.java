package dev.switchboard.lifecycle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One gateway per state directory, enforced by an OS lock on {@code gateway.lock} (lifecycle
 * rule 9). The OS drops the lock when the process dies however it dies, so a file left behind
 * by {@code kill -9} blocks nothing: the next start takes the lock and overwrites the pid in it.
 *
 * <p>POSIX locks belong to the process, and closing any descriptor of the file releases them
 * all; so the process that holds the lock never opens this file a second time.
 */
public final class GatewayLock implements AutoCloseable {
  public static final String NAME = "gateway.lock";

  /** Lock files this JVM holds, so a second acquire never opens one again. */
  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

  private final FileChannel channel;
  private final FileLock lock;
  private final Path key;

  private GatewayLock(FileChannel channel, FileLock lock, Path key) {
    this.channel = channel;
    this.lock = lock;
    this.key = key;
  }

  /** Another live process holds the lock. */
  public static final class HeldException extends Exception {
    private static final long serialVersionUID = 1L;
    private final long pid;

    HeldException(long pid) {
      super(pid > 0 ? "held by process " + pid : "held by another process");
      this.pid = pid;
    }

    /** The holder's pid as written in the file, or -1 if unknown. */
    public long pid() {
      return pid;
    }
  }

  /** What {@link #probe} saw. */
  public record Probe(boolean held, OptionalLong pid) {}

  public static Path path(Path home) {
    return home.resolve(NAME);
  }

  /**
   * Takes the lock, waiting up to {@code wait} for a holder to exit (a relaunched gateway waits
   * for its predecessor; a plain start waits briefly, since {@code switchboard status} may be
   * probing the lock at that moment).
   */
  public static GatewayLock acquire(Path home, Duration wait) throws HeldException, IOException {
    return acquireFile(path(home), wait);
  }

  /** The same lock on any file, such as a bot credential's (lifecycle rule 9). */
  public static GatewayLock acquireFile(Path file, Duration wait)
      throws HeldException, IOException {
    Path key = file.toAbsolutePath().normalize();
    // This JVM already holds it: refuse before opening the file, since opening and then closing
    // a second descriptor (even by the garbage collector) would release the held lock.
    if (!HELD_HERE.add(key)) {
      throw new HeldException(ProcessHandle.current().pid());
    }
    FileChannel ch;
    FileLock lock;
    try {
      ch = FileChannel.open(
          file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
    } catch (IOException | RuntimeException e) {
      HELD_HERE.remove(key);
      throw e;
    }
    try {
      lock = ch.tryLock();
      if (lock == null && !wait.isZero() && !wait.isNegative()) {
        lock = waitFor(ch, wait);
      }
      if (lock == null) {
        long pid = readPid(ch);
        ch.close();
        throw new HeldException(pid);
      }
    } catch (IOException | HeldException | RuntimeException e) {
      HELD_HERE.remove(key);
      if (ch.isOpen()) {
        ch.close();
      }
      throw e;
    }
    try {
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(pid), 0);
      ch.force(true);
      restrictPermissions(file);
    } catch (IOException e) {
      HELD_HERE.remove(key);
      ch.close();
      throw e;
    }
    return new GatewayLock(ch, lock, key);
  }

  // FileChannel.lock() has no timeout; it waits on its own thread and is woken by closing the
  // channel when the time is up.
  private static FileLock waitFor(FileChannel ch, Duration wait) throws IOException, HeldException {
    CompletableFuture<FileLock> result = new CompletableFuture<>();
    Thread waiter = Thread.ofPlatform().daemon().name("gateway-lock-wait").start(() -> {
      try {
        result.complete(ch.lock());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    try {
      return result.get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      long pid = readPid(ch);
      ch.close(); // wakes the waiter; if it got the lock just now, closing releases it again
      joinQuietly(waiter);
      throw new HeldException(pid);
    } catch (ExecutionException e) {
      ch.close();
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      ch.close();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + NAME);
    }
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Looks without taking: a shared lock that cannot be had means a gateway holds the exclusive
   * one. Meant for other processes (the CLI); see the class comment.
   */
  public static Probe probe(Path home) throws IOException {
    Path file = path(home);
    if (!Files.exists(file)) {
      return new Probe(false, OptionalLong.empty());
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      FileLock shared = ch.tryLock(0, Long.MAX_VALUE, true);
      long pid = readPid(ch);
      OptionalLong p = pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
      if (shared == null) {
        return new Probe(true, p);
      }
      shared.release();
      return new Probe(false, p);
    }
  }

  private static long readPid(FileChannel ch) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      ch.read(buf, 0);
      String s = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
      return s.matches("\\d{1,10}") ? Long.parseLong(s) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private static void restrictPermissions(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | UnsupportedOperationException ignored) {
      // not a POSIX file system; the directory's own permissions still apply
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      channel.close();
      HELD_HERE.remove(key);
    }
  }
}
