package dev.switchboard.lifecycle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.AtomicFiles;
import dev.switchboard.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * {@code gateway_state.json}: rewritten atomically (temporary file, fsync, rename), so a reader
 * never sees half a file. A failed write is logged and the gateway goes on, since the state file
 * reports on the gateway and must not stop it.
 *
 * <p>Two kinds of change. {@link #update} (lifecycle state, platforms, exit code: what
 * supervisors and the CLI act on) is on disk before it returns. {@link #updateSoon} (the count
 * of active turns, which changes twice per message) is written behind, at most once per
 * {@link #WRITE_BEHIND_INTERVAL}, by one writer thread: written in the turn's own thread, the
 * fsync and rename made every message in the gateway queue behind one file (the end-to-end
 * benchmark measured 190 replies/s that way). Either kind of write carries every change made so
 * far, and files are written in the order their contents were produced, so a write-behind never
 * puts an older state over a newer one.
 */
public final class StateFile {
  public static final String NAME = "gateway_state.json";
  /** How stale the active-turn count on disk may be while turns come and go. */
  public static final Duration WRITE_BEHIND_INTERVAL = Duration.ofMillis(250);

  private static final Logger log = LoggerFactory.getLogger(StateFile.class);

  private final Path file;
  private final Clock clock;
  private final ReentrantLock stateLock = new ReentrantLock();
  private final Condition changedSoon = stateLock.newCondition();
  /** Held while writing; taken before {@link #stateLock} when both are held. */
  private final ReentrantLock fileLock = new ReentrantLock();

  @GuardedBy("stateLock")
  private GatewayState current;

  @GuardedBy("stateLock")
  private long version;

  @GuardedBy("stateLock")
  private boolean pendingSoon;

  @GuardedBy("stateLock")
  private boolean sealed;
  // Started by the first updateSoon.
  @GuardedBy("stateLock")
  private @Nullable Thread writer;

  @GuardedBy("fileLock")
  private long writtenVersion = -1;

  @GuardedBy("fileLock")
  private long writes;

  public StateFile(Path home, GatewayState initial, Clock clock) {
    this.file = home.resolve(NAME);
    this.clock = clock;
    this.current = initial;
  }

  public static Path path(Path home) {
    return home.resolve(NAME);
  }

  /** Reads the file another process wrote; empty if there is none, or it cannot be parsed. */
  public static Optional<GatewayState> read(Path home) {
    try {
      return Optional.ofNullable(
          Json.mapper().readValue(Files.readAllBytes(path(home)), GatewayState.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | JacksonException e) {
      log.debug("unreadable state file {}: {}", path(home), e.toString());
      return Optional.empty();
    }
  }

  public GatewayState current() {
    stateLock.lock();
    try {
      return current;
    } finally {
      stateLock.unlock();
    }
  }

  /**
   * Applies {@code change} and writes the result before returning. After {@link #seal} it does
   * nothing: a straggler of a stopped gateway must not overwrite its final record, or the file
   * of the gateway that replaced it.
   */
  public GatewayState update(UnaryOperator<GatewayState> change) {
    fileLock.lock();
    try {
      GatewayState updated = apply(change);
      flush();
      return updated;
    } finally {
      fileLock.unlock();
    }
  }

  /**
   * Applies {@code change} now and writes it within {@link #WRITE_BEHIND_INTERVAL}, without
   * waiting for the disk. Ignored after {@link #seal}, like {@link #update}.
   */
  public void updateSoon(UnaryOperator<GatewayState> change) {
    stateLock.lock();
    try {
      if (sealed) {
        return;
      }
      apply(change);
      pendingSoon = true;
      if (writer == null) {
        writer = Thread.ofVirtual().name("state-file-writer").start(this::writeBehind);
      } else {
        changedSoon.signal();
      }
    } finally {
      stateLock.unlock();
    }
  }

  /** Applies a last change, writes it, and refuses all later ones. */
  public GatewayState seal(UnaryOperator<GatewayState> lastChange) {
    Thread stopping;
    GatewayState last;
    fileLock.lock();
    try {
      stateLock.lock();
      try {
        last = apply(lastChange);
        sealed = true;
        stopping = writer;
        changedSoon.signal();
      } finally {
        stateLock.unlock();
      }
      flush();
    } finally {
      fileLock.unlock();
    }
    if (stopping != null) {
      // it writes nothing more (nothing is newer than the sealed record); waiting keeps a
      // stopped gateway from leaving a thread behind
      joinQuietly(stopping);
    }
    return last;
  }

  /** How many times the file was written (for tests and the benchmark's profile). */
  long writes() {
    fileLock.lock();
    try {
      return writes;
    } finally {
      fileLock.unlock();
    }
  }

  /** The write-behind thread, if an updateSoon started one. */
  Optional<Thread> writerThread() {
    stateLock.lock();
    try {
      return Optional.ofNullable(writer);
    } finally {
      stateLock.unlock();
    }
  }

  private GatewayState apply(UnaryOperator<GatewayState> change) {
    stateLock.lock();
    try {
      if (!sealed) {
        current = change.apply(current).touchedAt(clock.instant());
        version++;
      }
      return current;
    } finally {
      stateLock.unlock();
    }
  }

  /** Writes the newest state unless a write already carried it. */
  @GuardedBy("fileLock")
  private void flush() {
    GatewayState snapshot;
    long snapshotVersion;
    stateLock.lock();
    try {
      snapshot = current;
      snapshotVersion = version;
      pendingSoon = false;
    } finally {
      stateLock.unlock();
    }
    if (snapshotVersion > writtenVersion) {
      write(snapshot);
      writtenVersion = snapshotVersion;
      writes++;
    }
  }

  private void writeBehind() {
    while (awaitPendingChange()) {
      fileLock.lock();
      try {
        flush();
      } finally {
        fileLock.unlock();
      }
      if (!restUntilNextWrite()) {
        return;
      }
    }
  }

  /** Waits for an updateSoon; false once sealed. */
  private boolean awaitPendingChange() {
    stateLock.lock();
    try {
      while (!pendingSoon && !sealed) {
        changedSoon.awaitUninterruptibly();
      }
      return !sealed;
    } finally {
      stateLock.unlock();
    }
  }

  /** Keeps writes at least one interval apart; false once sealed. */
  private boolean restUntilNextWrite() {
    long deadline = System.nanoTime() + WRITE_BEHIND_INTERVAL.toNanos();
    stateLock.lock();
    try {
      long left;
      while (!sealed && (left = deadline - System.nanoTime()) > 0) {
        try {
          changedSoon.awaitNanos(left);
        } catch (InterruptedException e) {
          // nothing but seal ends this thread, and nothing else can reach it to interrupt it;
          // an interrupt only cuts this rest short
          return !sealed;
        }
      }
      return !sealed;
    } finally {
      stateLock.unlock();
    }
  }

  private void write(GatewayState state) {
    try {
      AtomicFiles.write(file, Json.mapper().writeValueAsBytes(state));
    } catch (IOException | JacksonException e) {
      log.warn("could not write {}: {}", file, e.toString());
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      if (!thread.join(Duration.ofSeconds(5))) {
        log.warn("the state file's writer did not end within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
