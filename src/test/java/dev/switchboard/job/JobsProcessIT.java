package dev.switchboard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled jobs from outside (issue 15, part 1): made with /cron in a Telegram chat and
 * driven with {@code switchboard cron}, run by the built gateway against the Telegram fake with
 * the echo agent (which answers with the prompt). Runs that fell due while the gateway was down
 * run once at start within the grace window and are skipped with a word after it; a run killed
 * mid-turn is answered once by the next process; {@code [SILENT]} sends nothing.
 */
class JobsProcessIT {
  private static final String TOKEN = "7070:AAJobs-token_1234567890abcdefghij";
  private static final long ADA = 1001L;
  private static final long BOB = 2002L;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private Path home;
  private FakeTelegramServer telegram;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    telegram = FakeTelegramServer.start(TOKEN, "jobs_bot");
    telegram.registerUser(ADA, "Ada", null, "ada");
    telegram.registerUser(BOB, "Bob", null, "bob");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeAfter.reversed()) {
      c.close();
    }
    telegram.close();
  }

  private ChildGateway start(Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    env.put("TELEGRAM_POLL_TIMEOUT", "2s");
    env.put("TELEGRAM_ALLOWED_USERS", ADA + "," + BOB);
    env.put("TELEGRAM_ADMIN_USERS", Long.toString(ADA));
    env.put("SWITCHBOARD_TIMEZONE", "UTC");
    env.putAll(extra);
    ChildGateway gw = ChildGateway.run(home, env);
    closeAfter.add(gw);
    gw.awaitRunning();
    await().atMost(WAIT).until(() -> gw.output().contains("job scheduler: first pass done"));
    return gw;
  }

  private ChildGateway.Result cron(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("cron", "--home", home.toString()));
    all.addAll(List.of(args));
    return ChildGateway.cli(Map.of(), all.toArray(String[]::new));
  }

  private long answers(long chat, String text) {
    return telegram.messages(chat).stream().filter(m -> m.text().equals(text)).count();
  }

  @Test
  void jobsAreMadeInAChatRunOnceAcrossRestartsAndSayWhenTheyWereSkipped() throws Exception {
    ChildGateway first = start(Map.of());
    telegram.awaitLongPoll(WAIT);

    // Bob is let in but no admin: he may list, not make.
    telegram.privateMessage(BOB, "/cron add every 1h Hello");
    telegram.awaitMessage(BOB, m -> m.text().contains("Only admins"), WAIT);

    // Hours that do not come round during the test: with a fixed hour, a run at that hour of
    // the day would find the daily occurrence within the grace and run the job it must skip.
    int hour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
    String daily1 = String.format(Locale.ROOT, "%02d:00", (hour + 2) % 24);
    String daily2 = String.format(Locale.ROOT, "%02d:00", (hour + 3) % 24);
    telegram.privateMessage(ADA, "/cron add every day at " + daily1 + " Status report please");
    BotMessage added = telegram.awaitMessage(ADA, m -> m.text().startsWith("\u23f0 Job 1"), WAIT);
    assertThat(added.text())
        .contains("every day at " + daily1 + " (UTC)")
        .contains("It has a conversation of its own and answers here.");
    telegram.privateMessage(ADA, "/cron add every day at " + daily2 + " [SILENT]");
    telegram.awaitMessage(ADA, m -> m.text().startsWith("\u23f0 Job 2"), WAIT);
    telegram.privateMessage(ADA, "/cron add every 2x nonsense");
    telegram.awaitMessage(ADA, m -> m.text().startsWith("\u26a0"), WAIT);

    // The command line sees and runs the same jobs.
    ChildGateway.Result list = cron("list");
    assertThat(list.exitCode()).as(list.output()).isZero();
    assertThat(list.output())
        .contains("#1 every day at " + daily1 + " (UTC)")
        .contains("to telegram:" + ADA)
        .contains("Status report please")
        .contains("#2 every day at " + daily2 + " (UTC)");
    assertThat(cron("run", "1").exitCode()).isZero();
    telegram.awaitMessage(ADA, m -> m.text().equals("Status report please"), WAIT);
    assertThat(cron("run", "2").exitCode()).isZero();
    await().atMost(WAIT).until(() -> outcomes("switchboard:job:2:%").contains("silent"));
    assertThat(answers(ADA, "[SILENT]")).isZero();
    ChildGateway.Result missing = cron("pause", "99");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.output()).contains("There is no job 99");

    first.signal("TERM");
    assertThat(first.awaitExit(WAIT)).isZero();

    // While it was down, job 1 fell due 10 minutes ago (within the hour of grace) and job 2
    // three hours ago (beyond it).
    Instant now = Instant.now();
    setNextRun(1, now.minus(Duration.ofMinutes(10)));
    setNextRun(2, now.minus(Duration.ofHours(3)));
    long startedAt = System.nanoTime();
    ChildGateway second = start(Map.of());
    long runningAt = System.nanoTime();
    telegram.awaitMessage(
        ADA, m -> m.text().equals("Status report please") && answers(ADA, m.text()) == 2, WAIT);
    long answeredAt = System.nanoTime();
    System.out.println("MEASURED due job answered " + (answeredAt - startedAt) / 1_000_000
        + " ms after the process was started, " + (answeredAt - runningAt) / 1_000_000
        + " ms after it reported running and its scheduler's first pass");
    BotMessage skipped = telegram.awaitMessage(
        ADA, m -> m.text().contains("was due") && m.text().contains("Job 2"), WAIT);
    assertThat(skipped.text())
        .contains("while Switchboard was not running")
        .contains("so it did not run")
        .contains("Next run:");

    second.signal("TERM");
    assertThat(second.awaitExit(WAIT)).isZero();
    start(Map.of());
    // The third process found nothing due: still one scheduled run of job 1, one notice.
    assertThat(runs("switchboard:job:1:%")).isEqualTo(2); // the run by hand, the one due
    assertThat(answers(ADA, "Status report please")).isEqualTo(2);
    assertThat(telegram.messages(ADA).stream().filter(m -> m.text().contains("was due")))
        .hasSize(1);
    assertThat(answers(ADA, "[SILENT]")).isZero();
  }

  @Test
  void aJobRunKilledMidTurnIsAnsweredOnceByTheNextProcess() throws Exception {
    ChildGateway first = start(Map.of("SWITCHBOARD_ECHO_WORD_DELAY", "300ms"));
    telegram.awaitLongPoll(WAIT);
    String words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi";
    telegram.privateMessage(ADA, "/cron add every day at 5:00 " + words);
    telegram.awaitMessage(ADA, m -> m.text().startsWith("\u23f0 Job 1"), WAIT);
    assertThat(cron("run", "1").exitCode()).isZero();
    await().atMost(WAIT).until(() -> statuses("switchboard:job:1:%").contains("RUNNING"));

    first.signal("KILL");
    first.awaitExit(Duration.ofSeconds(10));
    assertThat(answers(ADA, words)).isZero();

    start(Map.of("SWITCHBOARD_ECHO_WORD_DELAY", "10ms"));
    telegram.awaitMessage(ADA, m -> m.text().equals(words), WAIT);
    await().atMost(WAIT).until(() -> outcomes("switchboard:job:1:%").contains("answered"));
    assertThat(answers(ADA, words)).isEqualTo(1);
  }

  private Connection db() throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + home.resolve("switchboard.db"));
  }

  private void setNextRun(long job, Instant at) throws Exception {
    try (Connection c = db();
        PreparedStatement ps = c.prepareStatement("UPDATE jobs SET next_run = ? WHERE id = ?")) {
      ps.setLong(1, at.toEpochMilli());
      ps.setLong(2, job);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  private List<String> column(String column, String idPattern) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db();
        PreparedStatement ps = c.prepareStatement(
            "SELECT " + column + " FROM inbound WHERE message_id LIKE ? ORDER BY id")) {
      ps.setString(1, idPattern);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(String.valueOf(rs.getString(1)));
        }
      }
    }
    return out;
  }

  private List<String> outcomes(String idPattern) throws Exception {
    return column("outcome", idPattern);
  }

  private List<String> statuses(String idPattern) throws Exception {
    return column("status", idPattern);
  }

  private int runs(String idPattern) throws Exception {
    try (Connection c = db();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT COUNT(*) FROM inbound WHERE message_id LIKE '" + idPattern + "'")) {
      return rs.getInt(1);
    }
  }
}
