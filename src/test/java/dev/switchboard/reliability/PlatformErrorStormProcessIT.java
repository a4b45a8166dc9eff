package dev.switchboard.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.Call;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault: Telegram answers 502 to getUpdates and 500 to sendMessage for a while, with messages
 * arriving in the middle of it. Polling backs off (the gaps between failed polls grow), the
 * platform shows degraded and then connected again, every message is answered exactly once,
 * and the log holds at most one line per failed call.
 */
class PlatformErrorStormProcessIT {
  /** A bot token of its own: the credential lock is machine-wide, other tests may run. */
  private static final String TOKEN = "424203:FAULTSstormabcdefghijklmnopqrstuvw";

  private static final Duration WAIT = Duration.ofSeconds(60);
  /** A gateway's start, slow on a loaded 2-core machine. */
  private static final Duration START = Duration.ofSeconds(90);

  private static final int FAILED_POLLS = 3;
  private static final int FAILED_SENDS = 4;
  private static final List<Long> USERS = List.of(2001L, 2002L, 2003L);

  @TempDir
  Path dir;

  private Path home;
  private FakeTelegramServer telegram;
  private ChildGateway gateway;

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
    telegram = FakeTelegramServer.start(TOKEN, "switchboard_test_bot");
    for (long u : USERS) {
      telegram.registerUser(u, "User" + u, null, null);
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.close();
      gateway.process().waitFor(10, TimeUnit.SECONDS);
    }
    telegram.close();
  }

  @Test
  void aStormOf5xxIsRiddenOutWithBackoffNoLossNoDuplicateAndFewLogLines() throws Exception {
    gateway = ChildGateway.run(
        home,
        Map.of(
            "TELEGRAM_BOT_TOKEN", TOKEN,
            "TELEGRAM_API_BASE_URL", telegram.baseUrl(),
            "TELEGRAM_POLL_TIMEOUT", "2s",
            "TELEGRAM_ALLOWED_USERS", "2001,2002,2003",
            "SWITCHBOARD_BUSY_POLICY", "queue"));
    gateway.awaitState(GatewayState.RUNNING, START);
    telegram.awaitLongPoll(START);
    telegram.privateMessage(USERS.getFirst(), "before the storm");
    telegram.awaitMessage(USERS.getFirst(), m -> m.text().equals("before the storm"), WAIT);
    int logLinesBefore = lines(gateway.output());

    telegram.failNext("getUpdates", FAILED_POLLS, 502, "Bad Gateway", null);
    telegram.failNext("sendMessage", FAILED_SENDS, 500, "Internal Server Error", null);
    await().atMost(WAIT).until(() -> failed("getUpdates") >= 1);
    // Messages written during the storm wait at Telegram until a poll gets through.
    List<String> sent = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      for (long u : USERS) {
        String text = "during the storm " + i + " from " + u;
        telegram.privateMessage(u, text);
        sent.add(text);
      }
    }
    await()
        .atMost(WAIT)
        .until(() -> telegram.messages(USERS.getFirst()).stream()
            .anyMatch(m -> m.text().equals("during the storm 2 from " + USERS.getFirst())));
    for (long u : USERS) {
      for (int i = 1; i <= 2; i++) {
        String text = "during the storm " + i + " from " + u;
        telegram.awaitMessage(u, m -> m.text().equals(text), WAIT);
      }
    }

    // No loss, no duplicate: each chat holds exactly its answers, once each.
    assertThat(telegram.messages(USERS.getFirst()))
        .extracting(BotMessage::text)
        .filteredOn(t -> !t.startsWith("\u23f3"))
        .containsExactly(
            "before the storm",
            "during the storm 1 from " + USERS.getFirst(),
            "during the storm 2 from " + USERS.getFirst());
    for (long u : USERS.subList(1, USERS.size())) {
      assertThat(telegram.messages(u))
          .extracting(BotMessage::text)
          .filteredOn(t -> !t.startsWith("\u23f3"))
          .containsExactly("during the storm 1 from " + u, "during the storm 2 from " + u);
    }
    assertThat(failed("getUpdates")).isEqualTo(FAILED_POLLS);
    assertThat(failed("sendMessage")).isEqualTo(FAILED_SENDS);

    // Backoff: after the n-th failed poll in a row the next try waits at least half of a
    // window that starts at 2 s and doubles (equal jitter): 1 s, 2 s, 4 s at least.
    List<Instant> polls = telegram.calls("getUpdates").stream()
        .filter(c -> c.httpStatus() == 502)
        .map(Call::arrivedAt)
        .toList();
    Instant recovered = telegram.calls("getUpdates").stream()
        .filter(c -> c.httpStatus() == 200 && c.arrivedAt().isAfter(polls.getLast()))
        .map(Call::arrivedAt)
        .findFirst()
        .orElseThrow();
    List<Instant> tries = new ArrayList<>(polls);
    tries.add(recovered);
    for (int i = 1; i < tries.size(); i++) {
      assertThat(Duration.between(tries.get(i - 1), tries.get(i)))
          .as("gap after failed poll %d", i)
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1L << (i - 1)).minusMillis(50));
    }

    // Degraded after three failed polls in a row, connected again after.
    await()
        .atMost(WAIT)
        .until(() -> platform().filter(s -> s.state().equals("connected")).isPresent());
    String log = gateway.output();
    assertThat(log).contains("getUpdates failing");
    assertThat(gateway.get("/health").status()).isEqualTo(200);

    // Not flooded: at most one line per failed call, and few lines in all.
    long stormLines = log.lines()
        .skip(logLinesBefore)
        .filter(l -> l.contains("Bad Gateway") || l.contains("Internal Server Error"))
        .count();
    assertThat(stormLines).isBetween(1L, (long) (FAILED_POLLS + FAILED_SENDS));
    System.out.printf(
        "5xx storm: %d log lines about the failures, %d lines in all since the storm began,"
            + " gaps between polls %s%n",
        stormLines, lines(log) - logLinesBefore, gaps(tries));
  }

  private long failed(String method) {
    return telegram.calls(method).stream().filter(c -> c.httpStatus() >= 500).count();
  }

  private Optional<GatewayState.PlatformStatus> platform() {
    return StateFile.read(home).map(s -> s.platforms().get("telegram"));
  }

  private static int lines(String log) {
    return (int) log.lines().count();
  }

  private static List<Long> gaps(List<Instant> tries) {
    List<Long> out = new ArrayList<>();
    for (int i = 1; i < tries.size(); i++) {
      out.add(Duration.between(tries.get(i - 1), tries.get(i)).toMillis());
    }
    return out;
  }
}
