package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.LoginToken;
import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.NodeScript;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command as a new user meets it: a gateway with no configuration at all,
 * run in a terminal, then the web chat in real headless Chromium (Debian's, driven by Playwright): log in with
 * the printed token, chat, /new, a second conversation, and a gateway restart that the page
 * rides out with its history. Screenshots land in target/browser/.
 */
class WebChatBrowserProcessIT {
  private static final Pattern PRINTED = Pattern.compile("#token=([A-Za-z0-9_-]{20,})");

  @TempDir
  Path dir;

  @Test
  void aPersonChatsInTheBrowserAcrossARestart() throws Exception {
    Path home = dir.resolve("home");
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort(); // the page reconnects to the same address after the restart
    }
    // Slow enough that the page shows the reply growing word by word before it is complete.
    Map<String, String> env = Map.of(
        "SWITCHBOARD_HTTP_PORT", Integer.toString(port), "SWITCHBOARD_ECHO_WORD_DELAY", "250ms");
    Path shots = Path.of("target", "browser").toAbsolutePath();
    Files.createDirectories(shots);

    // In a terminal, where a person sees the token printed; elsewhere it is not printed.
    ChildGateway first = ChildGateway.runInTerminal(home, env);
    String token;
    NodeScript browser = null;
    try {
      GatewayState running = first.awaitRunning();
      assertThat(running.platforms()).containsKey("web");
      String printed = first.output();
      Matcher m = PRINTED.matcher(printed);
      assertThat(m.find())
          .as("the first start prints the login URL:\n" + printed)
          .isTrue();
      token = m.group(1);
      assertThat(Files.readString(home.resolve(LoginToken.FILE), StandardCharsets.UTF_8)
              .strip())
          .isEqualTo(token);
      assertThat(printed).contains("http://127.0.0.1:" + port + "/#token=");

      browser = NodeScript.start(
          "browser-test.mjs",
          Map.of(
              "BASE_URL",
              "http://127.0.0.1:" + port,
              "LOGIN_TOKEN",
              token,
              "EXPECT_STREAMING",
              "1",
              "SCREENSHOT",
              shots.resolve("webchat.png").toString()),
          dir);
      browser.awaitLine("READY_FOR_RESTART", Duration.ofSeconds(90));
    } catch (Throwable t) {
      if (browser != null) {
        browser.close();
      }
      first.close();
      throw t;
    }
    try (NodeScript script = browser) {
      first.signal("TERM");
      assertThat(first.awaitExit(Duration.ofSeconds(30))).isZero();
      try (ChildGateway second = ChildGateway.runInTerminal(home, env)) {
        second.awaitRunning();
        // the token is shown once only: a restart does not print it again
        assertThat(second.output()).doesNotContain(token);
        script.writeLine("RESTARTED");
        assertThat(script.awaitExit(Duration.ofSeconds(120)))
            .as(script.describe())
            .isZero();
        assertThat(script.stdout()).anyMatch(l -> l.startsWith("streamed: "));
        second.signal("TERM");
        assertThat(second.awaitExit(Duration.ofSeconds(30))).isZero();
      }
    } finally {
      first.close();
    }
    assertThat(shots.resolve("webchat.png")).isNotEmptyFile();
    assertThat(shots.resolve("webchat-after-restart.png")).isNotEmptyFile();
  }

  /**
   * A long conversation written by an earlier run: the page opens on its newest messages, and
   * scrolling up loads the older ones a page at a time, in order, back to the first.
   */
  @Test
  void scrollingUpALongConversationLoadsTheOlderMessages() throws Exception {
    Path home = dir.resolve("home");
    HistoryFiles.Written history = HistoryFiles.write(home.resolve("web"), 120 * 1024, 0, 0);
    assertThat(history.bigChatMessages()).isGreaterThan(3 * ChatLogs.PAGE_MESSAGES);
    Path shots = Path.of("target", "browser").toAbsolutePath();
    Files.createDirectories(shots);
    try (ChildGateway gateway = ChildGateway.run(home, Map.of("SWITCHBOARD_HTTP_AUTH", "false"))) {
      // More time than awaitRunning gives: on a machine shared with other builds a cold JVM
      // has taken over 30 s to start, with or without history.
      GatewayState running = gateway.awaitState(GatewayState.RUNNING, Duration.ofSeconds(90));
      try (NodeScript script = NodeScript.start(
          "browser-history-test.mjs",
          Map.of(
              "BASE_URL",
              "http://" + running.http(),
              "EXPECT_MESSAGES",
              Integer.toString(history.bigChatMessages()),
              "PAGE_SIZE",
              Integer.toString(ChatLogs.PAGE_MESSAGES),
              "SCREENSHOT",
              shots.resolve("webchat-history.png").toString()),
          dir)) {
        assertThat(script.awaitExit(Duration.ofSeconds(120)))
            .as(script.describe())
            .isZero();
        assertThat(script.stdout()).anyMatch(l -> l.startsWith("step 2 ok"));
      }
      gateway.signal("TERM");
      assertThat(gateway.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    assertThat(shots.resolve("webchat-history.png")).isNotEmptyFile();
  }

  /**
   * The agent's Markdown in the page: a reply streamed word by word shows bold, a safe link, the
   * list as typed and a code block whose copy button puts the code on the clipboard; HTML in a
   * reply is shown as typed and makes no element; and a conversation stored before replies were
   * rendered shows its reply as the text it holds.
   */
  @Test
  void aReplysMarkdownIsShownAsSafeHtmlWithCopyableCode() throws Exception {
    Path home = dir.resolve("home");
    String oldReply = "**raw** <img src=x onerror=alert(1)>";
    Files.createDirectories(home.resolve("web"));
    Files.writeString(
        home.resolve("web").resolve("old.jsonl"),
        ChatLine.created(HistoryFiles.T0)
            + ChatLine.message(
                new WebMessage("u-1", WebMessage.USER, "an old question", HistoryFiles.T0))
            // The earlier format: no mark, so what it holds is text.
            + "{\"type\":\"message\",\"id\":\"a-2\",\"role\":\"agent\",\"text\":\""
            + oldReply + "\",\"at\":\"" + HistoryFiles.T0.plusSeconds(1) + "\"}\n");
    Path shots = Path.of("target", "browser").toAbsolutePath();
    Files.createDirectories(shots);
    // Slow enough that the page shows the reply half-written, its code block still open.
    Map<String, String> env =
        Map.of("SWITCHBOARD_HTTP_AUTH", "false", "SWITCHBOARD_ECHO_WORD_DELAY", "200ms");
    try (ChildGateway gateway = ChildGateway.run(home, env)) {
      GatewayState running = gateway.awaitState(GatewayState.RUNNING, Duration.ofSeconds(90));
      try (NodeScript script = NodeScript.start(
          "browser-markdown-test.mjs",
          Map.of(
              "BASE_URL",
              "http://" + running.http(),
              "OLD_CHAT",
              "old",
              "OLD_TEXT",
              oldReply,
              "SCREENSHOT",
              shots.resolve("webchat-markdown.png").toString()),
          dir)) {
        assertThat(script.awaitExit(Duration.ofSeconds(150)))
            .as(script.describe())
            .isZero();
        assertThat(script.stdout())
            .anyMatch(l -> l.startsWith("step 3 ok"))
            .anyMatch(l -> l.startsWith("step 4 ok"))
            .anyMatch(l -> l.startsWith("step 6 ok"));
      }
      gateway.signal("TERM");
      assertThat(gateway.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    assertThat(shots.resolve("webchat-markdown.png")).isNotEmptyFile();
  }

  /**
   * The same chat, restarted with the admin page's button in a second tab: with no service
   * manager the gateway relaunches itself detached, and the page and the admin page both see
   * the new process.
   */
  @Test
  void theAdminPagesRestartButtonRestartsAndThePageReconnects() throws Exception {
    Path home = dir.resolve("home");
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path shots = Path.of("target", "browser").toAbsolutePath();
    Files.createDirectories(shots);
    try (ChildGateway first =
        ChildGateway.run(home, Map.of("SWITCHBOARD_HTTP_PORT", Integer.toString(port)))) {
      first.awaitRunning();
      // Its output is a file, not a terminal: the token is not printed there but kept in its file.
      String token = Files.readString(home.resolve(LoginToken.FILE), StandardCharsets.UTF_8)
          .strip();
      assertThat(first.output()).doesNotContain(token);
      try (NodeScript script = NodeScript.start(
          "browser-test.mjs",
          Map.of(
              "BASE_URL",
              "http://127.0.0.1:" + port,
              "LOGIN_TOKEN",
              token,
              "RESTART_VIA",
              "admin",
              "SCREENSHOT",
              shots.resolve("webchat-admin-restart.png").toString()),
          dir)) {
        script.awaitLine("RESTART_CLICKED", Duration.ofSeconds(90));
        assertThat(first.awaitExit(Duration.ofSeconds(30))).isZero();
        long successor = org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> dev.switchboard.lifecycle.StateFile.read(home)
                    .filter(s -> s.pid() != first.pid() && GatewayState.RUNNING.equals(s.state()))
                    .map(GatewayState::pid)
                    .orElse(0L),
                pid -> pid > 0);
        try {
          assertThat(script.awaitExit(Duration.ofSeconds(120)))
              .as(script.describe())
              .isZero();
          assertThat(script.stdout()).anyMatch(l -> l.startsWith("admin page: Restarted"));
        } finally {
          ChildGateway.signal(successor, "TERM");
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> ProcessHandle.of(successor).map(p -> !p.isAlive()).orElse(true));
        }
      }
    }
    assertThat(shots.resolve("webchat-admin-restart-admin.png")).isNotEmptyFile();
  }
}
