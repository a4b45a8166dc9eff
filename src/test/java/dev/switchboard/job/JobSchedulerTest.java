package dev.switchboard.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.hooks.EventChat;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.session.SyntheticTurn;
import dev.switchboard.session.SyntheticTurnStarter;
import dev.switchboard.store.Jobs;
import dev.switchboard.testing.AdapterOutbound;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's decisions with a clock the test moves: runs start once when due, a run missed
 * while the gateway was down runs once within the grace window and is skipped (the chat told)
 * after it, a run never overlaps the job's unfinished previous one, and a crash between
 * starting a run and recording it does not start it twice.
 */
class JobSchedulerTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  /** Tuesday 1 December 2026, 08:30 in Berlin. */
  private static final Instant T0 = Instant.parse("2026-12-01T07:30:00Z");

  private static final ChatRef CHAT = ChatRef.of("mem", "42");

  private final ManualClock clock = new ManualClock(T0);
  private final InMemoryStore store = new InMemoryStore(clock);
  private final InMemoryAdapter chat =
      new InMemoryAdapter("mem", new PlatformLimits(4096, false, Duration.ZERO));
  private final FakeStarter starter = new FakeStarter();
  private final List<String> events = new ArrayList<>();
  private final JobSettings settings = new JobSettings(BERLIN, Duration.ofHours(1), List.of(), 200);

  private JobScheduler scheduler() {
    chat.connect(m -> {}, null);
    return new JobScheduler(
        store.jobs(),
        starter,
        new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system()),
        new RecordingEvents(events),
        clock,
        settings);
  }

  private Jobs.Job add(String schedule) {
    JobSchedule s = JobSchedule.parse(schedule, BERLIN, clock.instant());
    return store
        .jobs()
        .add(new Jobs.NewJob(
            CHAT,
            s.text(),
            BERLIN.getId(),
            "Morning briefing",
            false,
            s.nextAfter(clock.instant()).orElseThrow(),
            "mem:1"));
  }

  @Test
  void aDailyJobRunsOnceWhenDueAndIsThenDueTheNextDay() throws Exception {
    Jobs.Job job = add("every day at 9:00");
    JobScheduler scheduler = scheduler();
    Instant nine = Instant.parse("2026-12-01T08:00:00Z");

    assertThat(scheduler.passDue()).isEqualTo(nine);
    assertThat(starter.started).isEmpty();

    clock.advanceTo(nine);
    Instant next = scheduler.passDue();
    assertThat(starter.started).hasSize(1);
    assertThat(starter.started.getFirst().runId()).isEqualTo(Long.toString(nine.getEpochSecond()));
    assertThat(starter.started.getFirst().origin()).isEqualTo("job:" + job.id());
    assertThat(starter.started.getFirst().ownConversation()).isTrue();
    assertThat(next).isEqualTo(Instant.parse("2026-12-02T08:00:00Z"));

    // A second pass at the same moment starts nothing more.
    scheduler.passDue();
    assertThat(starter.started).hasSize(1);
    assertThat(store.jobs().get(job.id()).orElseThrow().lastRun()).isEqualTo(nine);
    assertThat(events).containsExactly("job " + job.id() + " started");
  }

  @Test
  void aRunMissedWithinTheGraceWindowRunsOnceAtStartNotOncePerMissedRun() throws Exception {
    add("every 15m");
    // The gateway was down for 50 minutes: three runs fell due meanwhile.
    clock.advance(Duration.ofMinutes(50));
    JobScheduler scheduler = scheduler();

    Instant next = scheduler.passDue();

    assertThat(starter.started).hasSize(1);
    assertThat(next).isAfter(clock.instant());
    assertThat(chat.sent()).isEmpty();
  }

  @Test
  void aRunMissedBeyondTheGraceWindowIsSkippedAndTheChatIsToldOnce() throws Exception {
    Jobs.Job job = add("every day at 9:00");
    clock.advanceTo(Instant.parse("2026-12-01T10:30:00Z")); // 11:30 in Berlin, 2.5 h late
    JobScheduler scheduler = scheduler();

    Instant next = scheduler.passDue();
    scheduler.passDue();

    assertThat(starter.started).isEmpty();
    assertThat(next).isEqualTo(Instant.parse("2026-12-02T08:00:00Z"));
    assertThat(chat.texts("42"))
        .singleElement()
        .asString()
        .contains("Job " + job.id())
        .contains("was due Tue 1 Dec 2026 09:00")
        .contains("more than 60 min ago")
        .contains("Next run: Wed 2 Dec 2026 09:00");
    assertThat(store.jobs().get(job.id()).orElseThrow().lastOutcome())
        .isEqualTo("skipped: gateway was down");
    assertThat(events).containsExactly("job " + job.id() + " skipped_late");
  }

  @Test
  void aRunDueWhileThePreviousOneIsUnfinishedIsSkipped() throws Exception {
    Jobs.Job job = add("every 15m");
    JobScheduler scheduler = scheduler();
    clock.advance(Duration.ofMinutes(15));
    scheduler.passDue();
    assertThat(starter.started).hasSize(1);
    starter.unfinished.add(starter.started.getFirst().runId()); // the agent is still at it

    clock.advance(Duration.ofMinutes(15));
    scheduler.passDue();
    assertThat(starter.started).hasSize(1);
    assertThat(store.jobs().get(job.id()).orElseThrow().lastOutcome())
        .isEqualTo("skipped: previous run still running");
    assertThat(scheduler.runNow(store.jobs().get(job.id()).orElseThrow())).isEmpty();
    // The skipped run is now the latest; the first is still unfinished but no longer checked,
    // while the run by hand is: the next scheduled run waits for it.
    starter.unfinished.add(starter.started.getLast().runId());
    clock.advance(Duration.ofMinutes(15));
    scheduler.passDue();
    assertThat(starter.started).hasSize(2);

    starter.unfinished.clear();
    clock.advance(Duration.ofMinutes(15));
    scheduler.passDue();
    assertThat(starter.started).hasSize(3);
  }

  @Test
  void aRunStartedByAProcessThatDiedBeforeRecordingItIsNotStartedAgain() throws Exception {
    Jobs.Job job = add("every day at 9:00");
    Instant nine = Instant.parse("2026-12-01T08:00:00Z");
    clock.advanceTo(nine.plusSeconds(30));
    // The journal holds the run (the earlier process recorded it), the job still says 9:00.
    starter.journaled.add(JobRuns.scheduled(job, nine).runId());

    Instant next = scheduler().passDue();

    assertThat(starter.started).isEmpty();
    assertThat(next).isEqualTo(Instant.parse("2026-12-02T08:00:00Z"));
    assertThat(store.jobs().get(job.id()).orElseThrow().nextRun()).isEqualTo(next);
  }

  @Test
  void aOneShotRunsOnceAndIsThenDone() throws Exception {
    Jobs.Job job = add("in 20m");
    JobScheduler scheduler = scheduler();
    clock.advance(Duration.ofMinutes(20));

    assertThat(scheduler.passDue()).isNull();
    clock.advance(Duration.ofDays(1));
    assertThat(scheduler.passDue()).isNull();

    assertThat(starter.started).hasSize(1);
    assertThat(store.jobs().get(job.id()).orElseThrow().nextRun()).isNull();
  }

  @Test
  void aPausedJobDoesNotRun() throws Exception {
    Jobs.Job job = add("every 15m");
    store.jobs().setPaused(job.id(), true, null);
    clock.advance(Duration.ofHours(2));

    assertThat(scheduler().passDue()).isNull();
    assertThat(starter.started).isEmpty();
  }

  @Test
  void theOutcomeOfARunIsRecordedAndAFailureReported() throws Exception {
    Jobs.Job job = add("every day at 9:00");
    Instant nine = Instant.parse("2026-12-01T08:00:00Z");
    clock.advanceTo(nine);
    scheduler().passDue();
    List<String> reported = new ArrayList<>();
    JobOutcomes outcomes =
        new JobOutcomes(store.jobs(), (id, run, outcome) -> reported.add(id + " " + outcome));

    SyntheticTurn run = starter.started.getFirst();
    outcomes.messageDone(run.message(nine), "deferred");
    assertThat(store.jobs().get(job.id()).orElseThrow().lastOutcome()).isEqualTo("started");
    outcomes.messageDone(run.message(nine), "failed");

    assertThat(store.jobs().get(job.id()).orElseThrow().lastOutcome()).isEqualTo("failed");
    assertThat(reported).containsExactly(job.id() + " failed");
  }

  /** Starts nothing; remembers what it was asked to start, as the journal would. */
  private static final class FakeStarter implements SyntheticTurnStarter {
    final List<SyntheticTurn> started = new ArrayList<>();
    final Set<String> journaled = new HashSet<>();
    final Set<String> unfinished = new HashSet<>();

    @Override
    public boolean start(SyntheticTurn turn) {
      if (!journaled.add(turn.runId())) {
        return false;
      }
      started.add(turn);
      return true;
    }

    @Override
    public boolean unfinished(SyntheticTurn turn) {
      return unfinished.contains(turn.runId());
    }
  }

  private record RecordingEvents(List<String> events) implements GatewayEvents {
    @Override
    public void gatewayStarted(String version, List<String> platforms) {}

    @Override
    public void gatewayStopping(String kind, String source) {}

    @Override
    public void platformState(String platform, String state, String error) {}

    @Override
    public void sessionNew(EventChat chat, int conversation) {}

    @Override
    public void turnStarted(EventChat chat, int attempt, String text) {}

    @Override
    public void turnFinished(
        EventChat chat, int attempt, String outcome, Duration took, String text, String reply) {}

    @Override
    public void commandRun(EventChat chat, String command, String outcome, String arguments) {}

    @Override
    public void jobRun(EventChat chat, long job, String schedule, Instant due, String outcome) {
      events.add("job " + job + " " + outcome);
    }
  }
}
