package dev.switchboard.lifecycle;

import dev.switchboard.common.AtomicFiles;
import dev.switchboard.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * {@code gateway_state.json}: rewritten atomically (temporary file, fsync, rename) on every
 * change, so a reader never sees half a file. Writes are serialized; a failed write is logged
 * and the gateway goes on, since the state file reports on the gateway and must not stop it.
 */
public final class StateFile {
  public static final String NAME = "gateway_state.json";
  private static final Logger log = LoggerFactory.getLogger(StateFile.class);

  private final Path file;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private GatewayState current; // guarded by lock
  private boolean sealed; // guarded by lock

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
      return Optional.ofNullable(Json.mapper().readValue(Files.readAllBytes(path(home)),
          GatewayState.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | JacksonException e) {
      log.debug("unreadable state file {}: {}", path(home), e.toString());
      return Optional.empty();
    }
  }

  public GatewayState current() {
    lock.lock();
    try {
      return current;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Applies {@code change} and writes the result before returning. After {@link #seal} it does
   * nothing: a straggler of a stopped gateway must not overwrite its final record, or the file
   * of the gateway that replaced it.
   */
  public GatewayState update(UnaryOperator<GatewayState> change) {
    lock.lock();
    try {
      if (sealed) {
        return current;
      }
      current = change.apply(current).touchedAt(clock.instant());
      write(current);
      return current;
    } finally {
      lock.unlock();
    }
  }

  /** Applies a last change and refuses all later ones. */
  public GatewayState seal(UnaryOperator<GatewayState> lastChange) {
    lock.lock();
    try {
      GatewayState last = update(lastChange);
      sealed = true;
      return last;
    } finally {
      lock.unlock();
    }
  }

  private void write(GatewayState state) {
    try {
      AtomicFiles.write(file, Json.mapper().writeValueAsBytes(state));
    } catch (IOException | JacksonException e) {
      log.warn("could not write {}: {}", file, e.toString());
    }
  }
}
