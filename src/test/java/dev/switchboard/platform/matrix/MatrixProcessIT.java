package dev.switchboard.platform.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.matrix.fake.FakeMatrixServer;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.StandInSupervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built gateway with Matrix against the fake homeserver. */
class MatrixProcessIT {
  private static final String TOKEN = "syt_process_token_0001";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String BOB = "@bob:example.org";
  private static final String ADA = "@ada:example.org";
  private static final String EVE = "@eve:example.org";

  @TempDir
  Path dir;

  private Path home;
  private FakeMatrixServer matrix;
  private StandInSupervisor supervisor;

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
    matrix = new FakeMatrixServer(TOKEN);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (supervisor != null) {
      supervisor.close();
    }
    matrix.close();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("MATRIX_ACCESS_TOKEN", TOKEN);
    env.put("MATRIX_HOMESERVER", matrix.url());
    env.put("MATRIX_ALLOWED_USERS", BOB);
    env.put("MATRIX_ADMIN_USERS", ADA);
    env.put("MATRIX_EDIT_INTERVAL", "500ms");
    env.put("SWITCHBOARD_ECHO_WORD_DELAY", "150ms");
    env.put("SWITCHBOARD_BUSY_POLICY", "queue");
    return env;
  }

  private void awaitConnected() throws Exception {
    try {
      await()
          .atMost(WAIT)
          .until(() -> matrix.syncsInFlight() > 0
              && StateFile.read(home)
                  .map(s -> s.platforms().containsKey("matrix")
                      && "connected".equals(s.platforms().get("matrix").state()))
                  .orElse(false));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "matrix not connected: syncs " + matrix.syncs() + ", state "
              + StateFile.read(home).map(s -> s.platforms().toString()).orElse("-") + "\n"
              + supervisor.current().output(),
          e);
    }
  }

  /** Messages whose text, after their latest edit, holds {@code text}. */
  private long said(String room, String text) {
    return matrix.sent(room).stream()
        .filter(s -> s.replacesEventId() == null)
        .filter(s -> matrix.shown(room, s.eventId()).contains(text))
        .count();
  }

  @Test
  void answersPairsAStrangerRidesOutACutSyncAndRestartsFromARoom() throws Exception {
    String dm = matrix.directRoom(BOB);
    String ops = matrix.groupRoom(ADA, BOB);
    supervisor = new StandInSupervisor(home, env(), Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    awaitConnected();

    matrix.text(dm, BOB, "hello there");
    await().atMost(WAIT).until(() -> said(dm, "hello there") == 1);

    // A stranger's invite to a direct chat is accepted; she gets a pairing code, approved
    // through the CLI, and is answered.
    String eve = matrix.invite(EVE, true);
    await().atMost(WAIT).until(() -> matrix.joined(eve));
    matrix.text(eve, EVE, "let me in");
    await().atMost(WAIT).until(() -> said(eve, "switchboard pairing approve matrix ") == 1);
    Matcher code = Pattern.compile("switchboard pairing approve matrix (\\S+)")
        .matcher(matrix.sent(eve).getFirst().body());
    assertThat(code.find()).isTrue();
    ChildGateway.Result approved = ChildGateway.cli(
        Map.of(), "pairing", "approve", "matrix", code.group(1), "--home", home.toString());
    assertThat(approved.exitCode()).as(approved.output()).isZero();
    matrix.text(eve, EVE, "thanks for letting me in");
    await().atMost(WAIT).until(() -> said(eve, "thanks for letting me in") == 1);

    // A room invite from a stranger is declined.
    String spam = matrix.invite(EVE, false);
    await().atMost(WAIT).until(() -> matrix.left(spam));

    // The long poll is cut while a reply streams by edits: the reply completes once, and a
    // message written meanwhile comes with the next sync and is answered once.
    matrix.text(dm, BOB, "one two three four five six seven eight nine ten");
    await().atMost(WAIT).until(() -> said(dm, "one two") == 1);
    matrix.dropSyncs();
    matrix.text(dm, BOB, "written while the sync was cut");
    await()
        .atMost(WAIT)
        .until(() -> said(dm, "nine ten") == 1 && said(dm, "written while the sync was cut") == 1);

    // /restart from a room by the admin, mentioning the bot: exit 75, a new process,
    // "Gateway restarted" once in that room.
    matrix.textMentioningBot(ops, ADA, "switchboard: /restart");
    await().atMost(WAIT).until(() -> supervisor.exitCodes().contains(75));
    matrix.text(dm, BOB, "written between two processes");
    await().atMost(WAIT).until(() -> supervisor.children().size() == 2);
    supervisor.children().getLast().awaitRunning();
    await().atMost(WAIT).until(() -> said(ops, "Gateway restarted") == 1);
    await().atMost(WAIT).until(() -> said(dm, "written between two processes") == 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> said(dm, "written between two processes") == 1
            && said(ops, "Gateway restarted") == 1
            && said(dm, "hello there") == 1);
    assertThat(supervisor.current().output()).doesNotContain(TOKEN);
  }

  @Test
  void anEncryptedRoomIsToldOnceEvenAcrossARestart() throws Exception {
    String dm = matrix.directRoom(BOB);
    matrix.encrypt(dm);
    supervisor = new StandInSupervisor(home, env(), Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    awaitConnected();
    matrix.encrypted(dm, BOB);
    await().atMost(WAIT).until(() -> said(dm, "end-to-end encrypted") == 1);
    assertThat(supervisor.current().output()).contains("is end-to-end encrypted");
    supervisor.close();
    supervisor = null;
    supervisor = new StandInSupervisor(home, env(), Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    awaitConnected();
    matrix.encrypted(dm, BOB);
    String plain = matrix.directRoom(BOB);
    matrix.text(plain, BOB, "in a room without encryption");
    await().atMost(WAIT).until(() -> said(plain, "in a room without encryption") == 1);
    assertThat(said(dm, "end-to-end encrypted")).isEqualTo(1);
  }

  @Test
  void aWrongTokenIsAFailedPlatformWithTheReason() throws Exception {
    Map<String, String> wrong = env();
    wrong.put("MATRIX_ACCESS_TOKEN", "syt_refused_token_0001");
    supervisor = new StandInSupervisor(home, wrong, Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    await()
        .atMost(WAIT)
        .until(() -> StateFile.read(home)
            .map(s -> s.platforms().containsKey("matrix")
                && "failed".equals(s.platforms().get("matrix").state()))
            .orElse(false));
    String error = StateFile.read(home).orElseThrow().platforms().get("matrix").lastError();
    assertThat(error).contains("M_UNKNOWN_TOKEN").doesNotContain("syt_refused");
    assertThat(supervisor.current().get("/health").status()).isEqualTo(503);
    assertThat(matrix.syncs()).as("no sync with a refused token").isZero();
    assertThat(supervisor.current().output()).doesNotContain("syt_refused");
  }
}
