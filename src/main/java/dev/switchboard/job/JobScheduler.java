package dev.switchboard.job;

import dev.switchboard.common.SpokenDuration;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.hooks.EventChat;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.session.SessionKey;
import dev.switchboard.session.SyntheticTurn;
import dev.switchboard.session.SyntheticTurnStarter;
import dev.switchboard.store.Jobs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts each job's runs when they fall due. A run is journaled (by the {@link
 * SyntheticTurnStarter})
 * before the job's next due time is stored, so a crash in between finds the same run due again
 * and the journal refuses it as started: every run starts once. A run that fell due while the
 * gateway was down starts at the first pass if it is at most {@link JobSettings#grace} late,
 * else its chat is told it was skipped; of several missed runs only the latest counts. A run
 * due while the job's previous run is unfinished is skipped, so runs of one job never overlap.
 *
 * <p>{@link #passDue} is the whole decision, run with the clock it is given; {@link #run} only
 * waits between passes, at most a minute at a time so that a step of the wall clock (a
 * suspended machine, NTP) is noticed.
 */
public final class JobScheduler {
  private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);
  private static final Duration MAX_WAIT = Duration.ofMinutes(1);
  /** A schedule that falls due more often than this over a long outage is not walked further. */
  private static final int MAX_MISSED_WALK = 100_000;

  private final Jobs jobs;
  private final SyntheticTurnStarter turns;
  private final Delivery delivery;
  private final GatewayEvents events;
  private final Clock clock;
  private final JobSettings settings;
  /** Held for a pass, and by every change of a job, so the two never interleave. */
  private final ReentrantLock lock = new ReentrantLock();

  private final Condition changed = lock.newCondition();
  private boolean wokenUp;
  /** The latest run of each job asked for by hand in this process, to keep runs apart. */
  private final Map<Long, SyntheticTurn> byHand = new ConcurrentHashMap<>();

  public JobScheduler(
      Jobs jobs,
      SyntheticTurnStarter turns,
      Delivery delivery,
      GatewayEvents events,
      Clock clock,
      JobSettings settings) {
    this.jobs = jobs;
    this.turns = turns;
    this.delivery = delivery;
    this.events = events;
    this.clock = clock;
    this.settings = settings;
  }

  /** Runs passes until interrupted (the gateway's stop); a supervised background task. */
  public void run() {
    log.info("job scheduler started ({} job(s), zone {})", jobs.all().size(), settings.zone());
    boolean first = true;
    try {
      while (true) {
        Instant next = passDue();
        if (first) {
          first = false;
          log.info("job scheduler: first pass done; next run {}", next == null ? "none" : next);
        }
        lock.lockInterruptibly();
        try {
          if (!wokenUp) {
            Duration wait = next == null ? MAX_WAIT : Duration.between(clock.instant(), next);
            if (wait.compareTo(MAX_WAIT) > 0) {
              wait = MAX_WAIT;
            }
            if (wait.isPositive()) {
              changed.awaitNanos(wait.toNanos());
            }
          }
          wokenUp = false;
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      log.debug("job scheduler stopped");
    }
  }

  /**
   * Runs {@code change} to the jobs while no pass runs, then has the scheduler pass again at
   * once, so a job added or resumed is seen without waiting out the current sleep.
   */
  <T> T change(Supplier<T> change) {
    lock.lock();
    try {
      T result = change.get();
      wokenUp = true;
      changed.signalAll();
      return result;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts or skips every run due by now. Returns when the next run is due, null when none is.
   */
  public @Nullable Instant passDue() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      Instant now = clock.instant();
      Instant next = null;
      for (Jobs.Job job : jobs.all()) {
        Instant due = job.nextRun();
        if (job.paused() || due == null) {
          continue;
        }
        Instant after = due.isAfter(now) ? due : reach(job, due, now);
        if (after != null && (next == null || after.isBefore(next))) {
          next = after;
        }
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  /** Job {@code job}, due at {@code due} (not after now): start or skip it; its next due time. */
  private @Nullable Instant reach(Jobs.Job job, Instant due, Instant now)
      throws InterruptedException {
    JobSchedule schedule;
    try {
      schedule = Schedules.stored(job);
    } catch (RuntimeException e) {
      log.error(
          "job {}: its stored schedule '{}' cannot be read ({}); pausing it",
          job.id(),
          job.schedule(),
          e.getMessage());
      jobs.setPaused(job.id(), true, null);
      return null;
    }
    Instant latest = due;
    int missed = 0;
    Optional<Instant> following = schedule.nextAfter(latest);
    while (following.isPresent() && !following.get().isAfter(now) && missed < MAX_MISSED_WALK) {
      latest = following.get();
      missed++;
      following = schedule.nextAfter(latest);
    }
    if (following.isPresent() && !following.get().isAfter(now)) {
      following = schedule.nextAfter(now);
    }
    Instant nextRun = following.orElse(null);
    Duration late = Duration.between(latest, now);
    EventChat chat = eventChat(job);
    if (late.compareTo(settings.grace()) > 0) {
      jobs.advance(job.id(), latest, nextRun, "skipped: gateway was down");
      events.jobRun(chat, job.id(), job.schedule(), latest, "skipped_late");
      tellSkipped(job, schedule, latest, nextRun);
    } else if (previousRunUnfinished(job)) {
      log.warn(
          "job {}: skipping the run due at {}: its previous run has not finished",
          job.id(),
          latest);
      jobs.advance(job.id(), latest, nextRun, "skipped: previous run still running");
      events.jobRun(chat, job.id(), job.schedule(), latest, "skipped_overlap");
    } else {
      boolean started = turns.start(JobRuns.scheduled(job, latest));
      jobs.advance(job.id(), latest, nextRun, "started");
      if (started) {
        log.info(
            "job {}: run due at {} started{}; next run {}",
            job.id(),
            latest,
            late.toSeconds() >= 1 ? " (" + late.toSeconds() + " s late)" : "",
            nextRun == null ? "never (it was a one-shot)" : nextRun);
        events.jobRun(chat, job.id(), job.schedule(), latest, "started");
      }
    }
    if (missed > 0) {
      log.info("job {}: {} earlier run(s) missed while the gateway was down", job.id(), missed);
    }
    return nextRun;
  }

  private boolean previousRunUnfinished(Jobs.Job job) {
    Instant last = job.lastRun();
    if (last != null && turns.unfinished(JobRuns.scheduled(job, last))) {
      return true;
    }
    SyntheticTurn manual = byHand.get(job.id());
    return manual != null && turns.unfinished(manual);
  }

  private void tellSkipped(
      Jobs.Job job, JobSchedule schedule, Instant due, @Nullable Instant nextRun) {
    String text = "\u23ed\ufe0f Job " + job.id() + ", " + schedule.describe() + ", was due "
        + When.of(due, schedule.zone()) + " while Switchboard was not running, more than "
        + SpokenDuration.of(settings.grace())
        + " ago, so it did not run."
        + (nextRun == null ? "" : " Next run: " + When.of(nextRun, schedule.zone()) + ".");
    log.warn(
        "job {}: the run due at {} is {} late (grace {}); skipped, telling {}",
        job.id(),
        due,
        Duration.between(due, clock.instant()),
        settings.grace(),
        job.chat());
    delivery.notice(job.chat(), text, "job:" + job.id() + ":" + due.getEpochSecond() + ":late");
  }

  /**
   * Starts a run of {@code job} now, besides its schedule. Returns why not when its previous
   * run is unfinished.
   */
  Optional<String> runNow(Jobs.Job job) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      if (previousRunUnfinished(job)) {
        return Optional.of("its previous run has not finished yet");
      }
      Instant now = clock.instant();
      SyntheticTurn turn = JobRuns.byHand(job, now);
      byHand.put(job.id(), turn);
      turns.start(turn);
      events.jobRun(eventChat(job), job.id(), job.schedule(), now, "run_now");
      log.info("job {}: run started by hand", job.id());
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  private EventChat eventChat(Jobs.Job job) {
    ChatRef c = job.chat();
    InboundMessage m = JobRuns.byHand(job, clock.instant()).message(clock.instant());
    return new EventChat(
        c.platform(),
        c.chatId(),
        c.threadId(),
        m.sender().userId(),
        SessionKey.of(m, false).id());
  }
}
