package dev.switchboard.store;

import dev.switchboard.common.Deadline;
import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntUnaryOperator;

/**
 * One pass of {@link Retention} over a store: what is old and finished in the journal, the
 * outbox and the transcripts is deleted in small batches, with a pause after each so that the
 * messages being handled meanwhile get the database between them; then the freed space goes
 * back to the file system ({@link Store#compact}). A pass stops when its time is up and says
 * so: the next one carries on where it stopped.
 */
public final class Pruner {
  /** Rows deleted per transaction: a few milliseconds of holding the database. */
  static final int BATCH = 500;

  /** The rest after each batch: at most about a fifth of the database's time goes to pruning. */
  static final Duration PAUSE = Duration.ofMillis(20);

  /**
   * What one pass did.
   *
   * @param complete false when the time ran out with rows left to delete
   */
  public record Pass(
      int journal,
      int outbox,
      int transcriptLines,
      long bytesBefore,
      long bytesAfter,
      boolean complete) {
    public int rows() {
      return journal + outbox + transcriptLines;
    }
  }

  private final Store store;
  private final Retention retention;
  private final Clock clock;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final int batch;

  public Pruner(Store store, Retention retention, Clock clock, Ticker ticker, Sleeper sleeper) {
    this(store, retention, clock, ticker, sleeper, BATCH);
  }

  Pruner(Store store, Retention retention, Clock clock, Ticker ticker, Sleeper sleeper, int batch) {
    this.store = store;
    this.retention = retention;
    this.clock = clock;
    this.ticker = ticker;
    this.sleeper = sleeper;
    this.batch = batch;
  }

  /** How often {@link #run} should be called: {@link Retention#passInterval()}. */
  public Duration interval() {
    return retention.passInterval();
  }

  /** Runs one pass of at most {@code budget} (compaction included, which is short). */
  public Pass run(Duration budget) throws InterruptedException {
    Instant now = clock.instant();
    Deadline deadline = Deadline.after(budget, ticker);
    long bytesBefore = store.bytesOnDisk();
    Instant delivered = now.minus(retention.delivered());
    Batches journal = drain(n -> store.journal().pruneDone(delivered, n), deadline);
    Batches outbox = drain(n -> store.outbox().pruneSettled(delivered, n), deadline);
    Batches byAge = Batches.NONE;
    if (!retention.transcripts().isZero()) {
      Instant transcripts = now.minus(retention.transcripts());
      byAge = drain(n -> store.conversations().pruneLinesBefore(transcripts, n), deadline);
    }
    Batches byCount = Batches.NONE;
    if (retention.transcriptLines() > 0) {
      int keep = retention.transcriptLines();
      byCount = drain(n -> store.conversations().pruneLinesBeyond(keep, n), deadline);
    }
    store.compact();
    return new Pass(
        journal.rows(),
        outbox.rows(),
        byAge.rows() + byCount.rows(),
        bytesBefore,
        store.bytesOnDisk(),
        journal.complete() && outbox.complete() && byAge.complete() && byCount.complete());
  }

  private record Batches(int rows, boolean complete) {
    static final Batches NONE = new Batches(0, true);
  }

  /** Deletes batch after batch until one comes back short or the time is up. */
  private Batches drain(IntUnaryOperator deleteAtMost, Deadline deadline)
      throws InterruptedException {
    int rows = 0;
    while (!deadline.expired()) {
      int n = deleteAtMost.applyAsInt(batch);
      rows += n;
      if (n < batch) {
        return new Batches(rows, true);
      }
      sleeper.sleep(PAUSE);
    }
    return new Batches(rows, false);
  }
}
