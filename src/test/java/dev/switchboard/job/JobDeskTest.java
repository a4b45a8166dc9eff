package dev.switchboard.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
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
import java.util.List;
import org.junit.jupiter.api.Test;

/** The words of /cron and switchboard cron, and what each request does to the jobs. */
class JobDeskTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final Instant T0 = Instant.parse("2026-12-01T07:30:00Z"); // 08:30 in Berlin
  private static final ChatRef HERE = new ChatRef("mem", "-100", "7");

  private final ManualClock clock = new ManualClock(T0);
  private final InMemoryStore store = new InMemoryStore(clock);
  private final List<SyntheticTurn> started = new ArrayList<>();
  private final JobSettings settings =
      new JobSettings(BERLIN, Duration.ofHours(1), List.of("mem:9"), 3);
  private final JobScheduler scheduler = new JobScheduler(
      store.jobs(),
      new SyntheticTurnStarter() {
        @Override
        public boolean start(SyntheticTurn turn) {
          started.add(turn);
          return true;
        }

        @Override
        public boolean unfinished(SyntheticTurn turn) {
          return false;
        }
      },
      new Delivery(
          new AdapterOutbound(
              new InMemoryAdapter("mem", new PlatformLimits(4096, false, Duration.ZERO))),
          store.outbox(),
          Ticker.system()),
      GatewayEvents.NONE,
      clock,
      settings);
  private final JobDesk desk =
      new JobDesk(store.jobs(), scheduler, settings, clock, p -> p.equals("mem"));
  private final JobDesk.Asker admin = new JobDesk.Asker(HERE, "mem:1", true);

  private JobDesk.Answer ask(JobDesk.Asker who, String words) throws InterruptedException {
    return desk.handle(who, words);
  }

  @Test
  void addReadsTheScheduleAtTheStartAndTheRestIsThePrompt() throws Exception {
    record Case(String words, String schedule, String prompt) {}
    List<Case> cases = List.of(
        new Case("every day at 9:00 Morning briefing", "every day at 09:00", "Morning briefing"),
        new Case("0 9 * * 1-5 Standup notes", "0 9 * * 1-5", "Standup notes"),
        new Case("every 2h Check the inbox", "every 2h", "Check the inbox"));
    for (Case c : cases) {
      JobDesk.Answer answer = ask(admin, "add " + c.words());
      assertThat(answer.done()).as(answer.text()).isTrue();
      Jobs.Job job = store.jobs().all().getLast();
      assertThat(job.schedule()).startsWith(c.schedule());
      assertThat(job.prompt()).isEqualTo(c.prompt());
      assertThat(job.chat()).isEqualTo(HERE);
      assertThat(job.zone()).isEqualTo("Europe/Berlin");
      assertThat(job.createdBy()).isEqualTo("mem:1");
      store.jobs().remove(job.id());
    }
  }

  @Test
  void addTellsWhenItRunsFirstAndWhere() throws Exception {
    JobDesk.Answer answer = ask(admin, "add every day at 9:00 Morning briefing");

    assertThat(answer.text())
        .isEqualTo("\u23f0 Job 1 added: every day at 09:00 (Europe/Berlin). Next run: Tue 1 Dec"
            + " 2026 09:00. It has a conversation of its own and answers here.");
    assertThat(store.jobs().get(1).orElseThrow().nextRun())
        .isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
  }

  @Test
  void optionsChooseTheZoneTheConversationAndOnTheCommandLineTheChat() throws Exception {
    JobDesk.Asker cli = new JobDesk.Asker(null, "the command line", true);
    JobDesk.Answer answer =
        ask(cli, "add --shared --tz America/New_York --to mem:-100:7 every monday at 8:30 Plan");

    assertThat(answer.done()).as(answer.text()).isTrue();
    Jobs.Job job = store.jobs().get(1).orElseThrow();
    assertThat(job.zone()).isEqualTo("America/New_York");
    assertThat(job.sharedConversation()).isTrue();
    assertThat(job.chat()).isEqualTo(HERE);
    assertThat(answer.text()).contains("answers in mem:-100:7");
    assertThat(ask(cli, "add every 2h Without a chat").text()).contains("--to");
    assertThat(ask(cli, "add --to nowhere:1 every 2h X").text())
        .contains("No platform named 'nowhere'");
  }

  @Test
  void badRequestsSayWhatIsWrongAndChangeNothing() throws Exception {
    assertThat(ask(admin, "add every 2x Do it").text()).startsWith("\u26a0");
    assertThat(ask(admin, "add every day at 9:00").text()).contains("needs a prompt");
    assertThat(ask(admin, "add --tz Mars/Olympus every 2h X").text()).contains("Mars/Olympus");
    assertThat(ask(admin, "add --loud every 2h X").text()).contains("Unknown option --loud");
    assertThat(ask(admin, "add every 2h " + "x".repeat(JobDesk.MAX_PROMPT_CHARS + 1))
            .text())
        .contains("at most " + JobDesk.MAX_PROMPT_CHARS);
    assertThat(ask(admin, "frobnicate").text()).startsWith("Unknown /cron request 'frobnicate'");
    assertThat(ask(admin, "pause").text()).contains("needs a job's number");
    assertThat(ask(admin, "pause 12").text()).contains("There is no job 12");
    assertThat(store.jobs().all()).isEmpty();
  }

  @Test
  void onlyAdminsAndConfiguredMakersChangeJobsAndEveryoneMayList() throws Exception {
    JobDesk.Asker stranger = new JobDesk.Asker(HERE, "mem:5", false);
    assertThat(ask(stranger, "add every 2h X").done()).isFalse();
    assertThat(ask(stranger, "add every 2h X").text()).contains("Only admins");
    assertThat(desk.maker("mem", "9")).isTrue();
    assertThat(desk.maker("mem", "5")).isFalse();

    ask(admin, "add every 2h Check the inbox");
    assertThat(ask(stranger, "list").text()).contains("#1 every 2h").contains("Check the inbox");
    assertThat(ask(stranger, "remove 1").done()).isFalse();
    assertThat(store.jobs().all()).hasSize(1);
  }

  @Test
  void pauseResumeRunAndRemove() throws Exception {
    ask(admin, "add every day at 9:00 Morning briefing");

    assertThat(ask(admin, "pause 1").text()).startsWith("\u23f8\ufe0f Job 1 paused");
    assertThat(store.jobs().get(1).orElseThrow().paused()).isTrue();
    assertThat(ask(admin, "list").text()).contains("paused");
    clock.advance(Duration.ofDays(2));
    assertThat(ask(admin, "resume #1").text())
        .isEqualTo("\u25b6\ufe0f Job 1 resumed. Next run: Thu 3 Dec 2026 09:00.");
    assertThat(ask(admin, "run 1").text()).startsWith("\u25b6\ufe0f Job 1 started");
    assertThat(started)
        .singleElement()
        .extracting(SyntheticTurn::prompt)
        .isEqualTo("Morning briefing");
    assertThat(ask(admin, "remove 1").text()).isEqualTo("\ud83d\uddd1\ufe0f Job 1 removed.");
    assertThat(store.jobs().all()).isEmpty();
  }

  @Test
  void noMoreJobsThanTheLimit() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(ask(admin, "add every 2h Job " + i).done()).isTrue();
    }
    JobDesk.Answer fourth = ask(admin, "add every 2h One too many");
    assertThat(fourth.done()).isFalse();
    assertThat(fourth.text()).contains("jobs.max_jobs");
    assertThat(store.jobs().all()).hasSize(3);
  }

  @Test
  void listInAChatShowsThatChatsJobsAndTheCommandLineAll() throws Exception {
    ask(admin, "add every 2h Here");
    ask(new JobDesk.Asker(ChatRef.of("mem", "other"), "mem:1", true), "add every 3h There");

    assertThat(ask(admin, "list").text()).contains("Here").doesNotContain("There");
    assertThat(ask(new JobDesk.Asker(null, "cli", true), "list").text())
        .contains("Here")
        .contains("There")
        .contains("to mem:other");
  }
}
