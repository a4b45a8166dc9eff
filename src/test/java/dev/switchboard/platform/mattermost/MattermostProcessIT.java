package dev.switchboard.platform.mattermost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.mattermost.fake.FakeMattermostServer;
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

/** The built gateway with Mattermost against the fake Mattermost server. */
class MattermostProcessIT {
  private static final String TOKEN = "processmattermost000000001";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String BOB = "bob00000000000000000000000";
  private static final String ADA = "ada00000000000000000000000";
  private static final String EVE = "eve00000000000000000000000";
  private static final String DM_BOB = "dmbob000000000000000000000";
  private static final String DM_EVE = "dmeve000000000000000000000";
  private static final String OPS = "ops00000000000000000000000";

  @TempDir
  Path dir;

  private Path home;
  private FakeMattermostServer mattermost;
  private StandInSupervisor supervisor;

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
    mattermost = new FakeMattermostServer(TOKEN);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (supervisor != null) {
      supervisor.close();
    }
    mattermost.close();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("MATTERMOST_TOKEN", TOKEN);
    env.put("MATTERMOST_URL", mattermost.url());
    env.put("MATTERMOST_ALLOWED_USERS", BOB);
    env.put("MATTERMOST_ADMIN_USERS", ADA);
    env.put("SWITCHBOARD_ECHO_WORD_DELAY", "150ms");
    env.put("SWITCHBOARD_BUSY_POLICY", "queue");
    return env;
  }

  private void awaitConnected() throws Exception {
    try {
      await()
          .atMost(WAIT)
          .until(() -> mattermost.connected()
              && StateFile.read(home)
                  .map(s -> s.platforms().containsKey("mattermost")
                      && "connected".equals(s.platforms().get("mattermost").state()))
                  .orElse(false));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "mattermost not connected: fake connected=" + mattermost.connected()
              + ", connections " + mattermost.connectionsOpened() + ", resumes "
              + mattermost.resumes() + ", state "
              + StateFile.read(home).map(s -> s.platforms().toString()).orElse("-")
              + "\n" + supervisor.current().output(),
          e);
    }
  }

  private long said(String channel, String text) {
    return mattermost.posts(channel).stream()
        .filter(p -> p.message().contains(text))
        .count();
  }

  @Test
  void answersADmPairsAStrangerRidesOutADropAndRestartsFromAChannel() throws Exception {
    supervisor = new StandInSupervisor(home, env(), Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    awaitConnected();

    mattermost.directMessage(BOB, "bob", DM_BOB, "hello there");
    await().atMost(WAIT).until(() -> said(DM_BOB, "hello there") == 1);

    // A stranger's DM gets a pairing code; approved, she is answered.
    mattermost.directMessage(EVE, "eve", DM_EVE, "let me in");
    await().atMost(WAIT).until(() -> said(DM_EVE, "switchboard pairing approve mattermost ") == 1);
    Matcher code = Pattern.compile("switchboard pairing approve mattermost (\\S+)")
        .matcher(mattermost.posts(DM_EVE).getFirst().message());
    assertThat(code.find()).isTrue();
    ChildGateway.Result approved = ChildGateway.cli(
        Map.of(), "pairing", "approve", "mattermost", code.group(1), "--home", home.toString());
    assertThat(approved.exitCode()).as(approved.output()).isZero();
    mattermost.directMessage(EVE, "eve", DM_EVE, "thanks for letting me in");
    await().atMost(WAIT).until(() -> said(DM_EVE, "thanks for letting me in") == 1);

    // The WebSocket drops while a reply streams (by patches over REST): the reply completes
    // once, and a post written during the outage is replayed on the resumed connection and
    // answered once.
    mattermost.directMessage(
        BOB, "bob", DM_BOB, "one two three four five six seven eight nine ten");
    await().atMost(WAIT).until(() -> said(DM_BOB, "one two") == 1);
    mattermost.dropConnection();
    mattermost.directMessage(BOB, "bob", DM_BOB, "written during the outage");
    await()
        .atMost(WAIT)
        .until(
            () -> said(DM_BOB, "nine ten") == 1 && said(DM_BOB, "written during the outage") == 1);
    assertThat(mattermost.resumes()).isEqualTo(1);
    assertThat(mattermost.posts(DM_BOB).stream()
            .filter(p -> p.message().contains("one two three"))
            .findFirst()
            .orElseThrow()
            .edits())
        .as("the reply streamed by patches")
        .isPositive();

    // /restart from a channel by the admin, mentioning the bot: exit 75, a new process,
    // "restarted" said in the thread under the command, once.
    String command = mattermost.channelPost(ADA, "ada", OPS, "@switchboard /restart", "", true);
    await().atMost(WAIT).until(() -> supervisor.exitCodes().contains(75));
    // Written while no process is connected: the next one resumes the connection it saved,
    // and the server replays this to it.
    mattermost.directMessage(BOB, "bob", DM_BOB, "written between two processes");
    await().atMost(WAIT).until(() -> supervisor.children().size() == 2);
    supervisor.children().getLast().awaitRunning();
    await().atMost(WAIT).until(() -> said(OPS, "Gateway restarted") == 1);
    assertThat(mattermost.posts(OPS).stream()
            .filter(p -> p.message().contains("Gateway restarted"))
            .findFirst()
            .orElseThrow()
            .rootId())
        .isEqualTo(command);
    await().atMost(WAIT).until(() -> said(DM_BOB, "written between two processes") == 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> said(DM_BOB, "written between two processes") == 1
            && said(OPS, "Gateway restarted") == 1);
    assertThat(mattermost.resumes()).as("the new process resumed").isGreaterThanOrEqualTo(2);
    assertThat(supervisor.current().output()).doesNotContain(TOKEN);
  }

  @Test
  void postsMadeAfterTheServerForgotTheConnectionAreFetchedOnce() throws Exception {
    supervisor = new StandInSupervisor(home, env(), Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    awaitConnected();
    mattermost.directMessage(BOB, "bob", DM_BOB, "before the stop");
    await().atMost(WAIT).until(() -> said(DM_BOB, "before the stop") == 1);
    supervisor.close();
    supervisor = null;

    // Down long enough for the server to reap the connection: its events are gone, and the
    // next process is told so by a hello with a new connection id.
    mattermost.directMessage(BOB, "bob", DM_BOB, "written while the gateway was down");
    mattermost.forgetConnections();
    supervisor = new StandInSupervisor(home, env(), Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    awaitConnected();
    await().atMost(WAIT).until(() -> said(DM_BOB, "written while the gateway was down") == 1);
    mattermost.directMessage(BOB, "bob", DM_BOB, "and after it came back");
    await().atMost(WAIT).until(() -> said(DM_BOB, "and after it came back") == 1);
    assertThat(said(DM_BOB, "before the stop")).as("not answered again").isEqualTo(1);
    assertThat(said(DM_BOB, "written while the gateway was down")).isEqualTo(1);
    assertThat(supervisor.current().output())
        .contains("the server no longer knew the connection")
        .doesNotContain(TOKEN);
  }

  @Test
  void aWrongTokenIsAFailedPlatformWithTheReasonAndNoWebSocket() throws Exception {
    Map<String, String> wrong = env();
    wrong.put("MATTERMOST_TOKEN", "refusedtoken00000000000001");
    supervisor = new StandInSupervisor(home, wrong, Duration.ofSeconds(1));
    supervisor.current().awaitRunning();
    await()
        .atMost(WAIT)
        .until(() -> StateFile.read(home)
            .map(s -> s.platforms().containsKey("mattermost")
                && "failed".equals(s.platforms().get("mattermost").state()))
            .orElse(false));
    String error =
        StateFile.read(home).orElseThrow().platforms().get("mattermost").lastError();
    assertThat(error).contains("401").doesNotContain("refusedtoken");
    assertThat(supervisor.current().get("/health").status()).isEqualTo(503);
    assertThat(mattermost.connectionsOpened())
        .as("no WebSocket with a refused token")
        .isZero();
    assertThat(supervisor.current().output()).doesNotContain("refusedtoken");
  }
}
