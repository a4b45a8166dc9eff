package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.TaskSpawner;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.PlatformRouter;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.session.SyntheticTurn;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the home channels hear from the gateway itself, once each, and where. */
class HomeNoticesTest {
  private static final ChatRef TELEGRAM_HOME = new ChatRef("telegram", "-100555", "7");
  private static final ChatRef DISCORD_HOME = ChatRef.of("discord", "998877");

  private final InMemoryStore store = new InMemoryStore();
  private final InMemoryAdapter telegram = new InMemoryAdapter("telegram");
  private final InMemoryAdapter discord = new InMemoryAdapter("discord");
  /** The sends run in the background in the gateway; here at once, so order is checked too. */
  private final TaskSpawner inline = (name, task) -> task.run();

  private HomeNotices notices;

  @BeforeEach
  void setUp() {
    telegram.connect(m -> {}, null);
    discord.connect(m -> {}, null);
    store.homeChannels().set(TELEGRAM_HOME);
    store.homeChannels().set(DISCORD_HOME);
    Delivery delivery = new Delivery(
        new PlatformRouter(List.of(telegram, discord)), store.outbox(), Ticker.system());
    notices = new HomeNotices(
        store.homeChannels(),
        delivery,
        inline,
        new HomeNotices.Sender("1.2.3", 4243, 1_700_000_000_000L),
        () -> Duration.ofMinutes(10));
  }

  @Test
  void everyHomeHearsHowTheStartWent() {
    notices.started(
        new PreviousEnd(
            PreviousEnd.Kind.UNPLANNED, "pid 4242 died while running without recording why"),
        "2 of 2 platform(s) connected",
        new GatewayState.CrashLoop(6, 600, 20, Instant.EPOCH, "pid 4242 exited"),
        null);

    String expected = "\u26a0\ufe0f Switchboard 1.2.3 is back after an unplanned end (pid 4242"
        + " died while running without recording why): 2 of 2 platform(s) connected.\nCrash"
        + " loop: this is start 6 after an unplanned end within 600 s, so the platforms were held"
        + " back 20 s.";
    assertThat(telegram.texts("-100555")).containsExactly(expected);
    assertThat(telegram.sent().getFirst().chat()).isEqualTo(TELEGRAM_HOME); // in its topic
    assertThat(discord.texts("998877")).containsExactly(expected);
  }

  @Test
  void theChatThatAskedForTheRestartIsNotToldTwice() {
    notices.started(
        new PreviousEnd(PreviousEnd.Kind.RESTARTED, null),
        "2 of 2 platform(s) connected",
        null,
        TELEGRAM_HOME);

    assertThat(telegram.sent()).isEmpty();
    assertThat(discord.texts("998877"))
        .containsExactly("\u267b\ufe0f Switchboard 1.2.3 restarted: 2 of 2 platform(s) connected.");
  }

  @Test
  void aPlatformThatFailsIsToldOnceToTheOtherHomesAndSoIsItsReturn() {
    notices.failed("telegram", "PlatformException: getMe: Unauthorized");
    notices.failed("telegram", "PlatformException: getMe: Unauthorized"); // the next slow retry
    notices.back("telegram");
    notices.back("telegram");

    assertThat(telegram.sent()).as("not to the platform that failed").isEmpty();
    assertThat(discord.texts("998877"))
        .containsExactly(
            "\u26a0\ufe0f telegram failed: PlatformException: getMe: Unauthorized. Switchboard"
                + " tries it again every 10 min; if the platform refused the token, fix it"
                + " there (or in .env, then switchboard restart).",
            "\u2705 telegram is connected again.");
  }

  @Test
  void whatAnAdapterTellsTheOperatorGoesToEveryHomeItsOwnPlatformsToo() {
    notices.operatorNotice("telegram", "chat 42 needs a template");

    String expected = "\u26a0\ufe0f telegram: chat 42 needs a template";
    assertThat(telegram.texts("-100555")).containsExactly(expected);
    assertThat(discord.texts("998877")).containsExactly(expected);
  }

  @Test
  void aFailedJobRunIsReportedToEveryHomeButTheJobsOwnChatOnce() {
    InboundMessage run = new SyntheticTurn(
            TELEGRAM_HOME, "job:3", "1764576000", "Scheduled job 3", "Briefing", true)
        .message(Instant.EPOCH);
    InboundMessage elsewhere = new SyntheticTurn(
            ChatRef.of("telegram", "77"), "job:4", "1764576000", "Scheduled job 4", "X", true)
        .message(Instant.EPOCH);

    notices.jobFailed(3, run, "failed");
    notices.jobFailed(3, run, "failed"); // the same run reported again: one outbox key
    notices.jobFailed(4, elsewhere, "undelivered");

    assertThat(discord.texts("998877"))
        .containsExactly(
            "\u26a0\ufe0f Scheduled job 3 in telegram:-100555/7 failed (failed); the gateway log"
                + " has the details. /cron list shows the job.",
            "\u26a0\ufe0f Scheduled job 4 in telegram:77 could not deliver its answer"
                + " (undelivered); the gateway log has the details. /cron list shows the job.");
    assertThat(telegram.texts("-100555"))
        .as("the job's own chat saw its failure already")
        .containsExactly("\u26a0\ufe0f Scheduled job 4 in telegram:77 could not deliver its answer"
            + " (undelivered); the gateway log has the details. /cron list shows the job.");
  }

  @Test
  void aReturnWithoutAFailureIsNotNews() {
    notices.back("discord");

    assertThat(telegram.sent()).isEmpty();
  }

  @Test
  void noHomeNoNotice() {
    InMemoryStore empty = new InMemoryStore();
    HomeNotices none = new HomeNotices(
        empty.homeChannels(),
        new Delivery(new PlatformRouter(List.of(telegram)), empty.outbox(), Ticker.system()),
        inline,
        new HomeNotices.Sender("1.2.3", 1, 1),
        () -> Duration.ofMinutes(10));

    none.started(PreviousEnd.NONE, "1 of 1 platform(s) connected", null, null);
    none.failed("discord", "x");

    assertThat(telegram.sent()).isEmpty();
  }
}
