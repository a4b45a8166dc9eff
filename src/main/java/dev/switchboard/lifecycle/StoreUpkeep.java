package dev.switchboard.lifecycle;

import dev.switchboard.common.Sleeper;
import dev.switchboard.store.Pruner;
import dev.switchboard.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's retention, run as one of the gateway's supervised tasks: a pass at start, then
 * one every {@link dev.switchboard.store.Retention#passInterval()} (an hour with the defaults),
 * each bounded in time. A pass that runs out of time (the first start after an
 * upgrade, with months of rows to delete) is followed by the next one a minute later, so a
 * backlog clears within the hour without any pass holding the database for long. The stop
 * interrupts it between batches.
 */
final class StoreUpkeep implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(StoreUpkeep.class);

  static final Duration WHEN_BEHIND = Duration.ofMinutes(1);
  static final Duration BUDGET = Duration.ofSeconds(30);

  private final Pruner pruner;
  private final Sleeper sleeper;
  private final Duration every;
  private final FileSweep files;

  /** Deletes files the store's rows no longer claim; returns how many. */
  @FunctionalInterface
  interface FileSweep {
    int run() throws IOException;
  }

  StoreUpkeep(Pruner pruner, Sleeper sleeper) {
    this(pruner, sleeper, () -> 0);
  }

  /** @param files run after each pass, once the rows that claimed files are forgotten */
  StoreUpkeep(Pruner pruner, Sleeper sleeper, FileSweep files) {
    this.pruner = pruner;
    this.sleeper = sleeper;
    this.every = pruner.interval();
    this.files = files;
  }

  @Override
  public void run() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        sleeper.sleep(passOnce());
      }
    } catch (InterruptedException e) {
      log.debug("store upkeep stopped");
    }
  }

  /** One pass; returns how long to wait for the next. */
  Duration passOnce() throws InterruptedException {
    Pruner.Pass pass;
    try {
      pass = pruner.run(BUDGET);
    } catch (StoreException | UncheckedIOException e) {
      log.warn(
          "store upkeep failed, trying again in {} min: {}", every.toMinutes(), e.getMessage());
      return every;
    }
    if (pass.rows() > 0 || !pass.complete()) {
      log.info(
          "store upkeep: forgot {} journal entries, {} outbox entries and {} transcript lines;"
              + " store {} -> {} KB{}",
          pass.journal(),
          pass.outbox(),
          pass.transcriptLines(),
          pass.bytesBefore() / 1024,
          pass.bytesAfter() / 1024,
          pass.complete() ? "" : "; more is due, the next pass follows in a minute");
    }
    sweepFiles();
    return pass.complete() ? every : WHEN_BEHIND;
  }

  private void sweepFiles() {
    try {
      int deleted = files.run();
      if (deleted > 0) {
        log.info("store upkeep: deleted {} attachment files no kept message refers to", deleted);
      }
    } catch (IOException | StoreException | UncheckedIOException e) {
      log.warn("store upkeep could not sweep the attachment files: {}", e.toString());
    }
  }
}
