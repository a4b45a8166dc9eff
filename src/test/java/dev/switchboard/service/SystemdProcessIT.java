package dev.switchboard.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.http.LoginToken;
import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.SseClient;
import dev.switchboard.testing.SystemdUserManager;
import dev.switchboard.testing.loopback.LoopbackServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway installed with {@code switchboard install} into a real systemd user manager and
 * driven the way its users drive it: {@code /restart} from a chat (the web chat, and a fake
 * Telegram), {@code
 * switchboard restart}, {@code systemctl reload}, {@code systemctl stop}, and a configuration
 * error. systemd's own view
 * ({@code systemctl show}) must say what the lifecycle contract promises: a planned restart is
 * a new main process and never a failure, a stop ends cleanly, exit 78 is not restarted.
 */
class SystemdProcessIT {
  private static final String UNIT = ServiceInstaller.UNIT_NAME;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String BOT_TOKEN = "777:AAH-systemd-test-token_0123456789";
  private static final long ADMIN = 31337;

  @TempDir
  Path dir;

  @Test
  void aGatewayInstalledUnderSystemdRestartsAndStopsAsPromised() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String base = "http://127.0.0.1:" + port;
    try (FakeTelegramServer telegram = FakeTelegramServer.start(BOT_TOKEN, "systemd_test_bot");
        SystemdUserManager systemd = SystemdUserManager.start(dir);
        HttpClient http = HttpClient.newHttpClient()) {
      telegram.registerUser(ADMIN, "Ada", "Admin", "ada");
      // The unit passes no environment of ours, so the service reads everything from here.
      Files.writeString(
          home.resolve("switchboard.yaml"),
          "http:\n  port: " + port + "\n"
              + "gateway:\n  drain_timeout: 10s\n  shutdown_grace: 5s\n"
              + "platforms:\n  telegram:\n    bot_token: \"" + BOT_TOKEN + "\"\n"
              + "    api_base_url: " + telegram.baseUrl() + "\n    poll_timeout: 2s\n"
              + "    admin_users: [\"" + ADMIN + "\"]\n");
      Map<String, String> env = new HashMap<>(systemd.env());
      env.put("SWITCHBOARD_HTTP_PORT", Integer.toString(port));

      ChildGateway.Result printed =
          ChildGateway.cli(env, "install", "--home", home.toString(), "--print");
      assertThat(printed.exitCode()).as(printed.output()).isZero();
      assertThat(printed.output()).contains("TimeoutStopSec=30s", "Type=notify");

      // returns once systemd has seen READY=1
      ChildGateway.Result installed = ChildGateway.cli(env, "install", "--home", home.toString());
      assertThat(installed.exitCode()).as(installed.output() + systemd.log()).isZero();
      Map<String, String> first =
          systemd.show(UNIT, "ActiveState", "SubState", "MainPID", "NRestarts", "Result");
      assertThat(first)
          .containsEntry("ActiveState", "active")
          .containsEntry("SubState", "running")
          .containsEntry("NRestarts", "0");
      long pid1 = Long.parseLong(first.get("MainPID"));
      assertThat(StateFile.read(home).orElseThrow().pid()).isEqualTo(pid1);
      assertThat(StateFile.read(home).orElseThrow().serviceManager()).isEqualTo("systemd");
      // switchboard status: our view and systemd's, side by side
      ChildGateway.Result status = ChildGateway.cli(env, "status", "--home", home.toString());
      assertThat(status.exitCode()).as(status.output()).isZero();
      assertThat(status.output())
          .contains("Switchboard is running (pid " + pid1 + ")")
          .contains("systemd (user):    active (running), main pid " + pid1 + ", restarts 0");
      ChildGateway.Result json =
          ChildGateway.cli(env, "status", "--home", home.toString(), "--json");
      assertThat(
              JSON.readTree(json.output()).path("service").path("active_state").asString())
          .isEqualTo("active");

      // /restart from the web chat: exit 75, systemd starts a new process, "restarted" told
      String cookie = login(http, base, home);
      String chat = JSON.readTree(
              post(http, base + "/api/web/chats", "{}", cookie).body())
          .path("id")
          .asString();
      assertThat(post(
                  http,
                  base + "/api/web/chats/" + chat + "/messages",
                  "{\"id\":\"restart-1\",\"text\":\"/restart\"}",
                  cookie)
              .statusCode())
          .isEqualTo(202);
      long pid2 = awaitNewMainPid(systemd, pid1, "1");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> snapshot(http, base, chat, cookie).contains("Gateway restarted"));

      // /restart from a (fake) Telegram chat: the same, and the admin's chat is told
      telegram.awaitCalls("getUpdates", 1, Duration.ofSeconds(30));
      // the bot token's lock is in the unit's RuntimeDirectory, writable under ProtectSystem
      try (var locks = Files.list(Path.of(systemd.env().get("XDG_RUNTIME_DIR"), "switchboard"))) {
        assertThat(locks.map(p -> p.getFileName().toString()))
            .anyMatch(n -> n.startsWith("telegram-") && n.endsWith(".lock"));
      }
      telegram.privateMessage(ADMIN, "/restart");
      long pid3 = awaitNewMainPid(systemd, pid2, "2");
      BotMessage back = telegram.awaitMessage(
          ADMIN, m -> m.text().contains("Gateway restarted"), Duration.ofSeconds(30));
      assertThat(back.text()).startsWith("\u2705 Gateway restarted");

      // switchboard restart: SIGUSR1, exit 75, a new process that reports ready
      ChildGateway.Result restarted = ChildGateway.cli(env, "restart", "--home", home.toString());
      assertThat(restarted.exitCode()).as(restarted.output()).isZero();
      long pid4 = awaitNewMainPid(systemd, pid3, "3");

      // systemctl reload: the unit's ExecReload sends SIGHUP, which under systemd is a restart
      // (exit 75, never a stop), and the log says why
      ChildGateway.Result reloaded = systemd.systemctl("reload", UNIT);
      assertThat(reloaded.exitCode()).as(reloaded.output() + systemd.log()).isZero();
      awaitNewMainPid(systemd, pid4, "4");
      assertThat(Files.readString(home.resolve("logs").resolve("gateway.log")))
          .contains("SIGHUP under a service manager (systemd) asks for a reload: restarting"
              + " with exit code 75");

      // switchboard stop goes through systemctl when the unit runs the gateway
      ChildGateway.Result ourStop = ChildGateway.cli(env, "stop", "--home", home.toString());
      assertThat(ourStop.exitCode()).as(ourStop.output()).isZero();
      assertThat(ourStop.output()).contains("through systemd: systemctl --user stop " + UNIT);
      assertThat(systemd.show(UNIT, "ActiveState", "Result"))
          .containsEntry("ActiveState", "inactive")
          .containsEntry("Result", "success");
      // switchboard start goes through systemctl too, and returns once it is ready
      ChildGateway.Result ourStart = ChildGateway.cli(env, "start", "--home", home.toString());
      assertThat(ourStart.exitCode()).as(ourStart.output()).isZero();
      assertThat(ourStart.output())
          .contains("through systemd: systemctl --user start " + UNIT)
          .containsPattern("Started: pid \\d+ is running");
      assertThat(systemd.show(UNIT, "ActiveState", "SubState"))
          .containsEntry("ActiveState", "active")
          .containsEntry("SubState", "running");
      assertThat(ourStart.output())
          .contains("Started: pid " + systemd.show(UNIT, "MainPID").get("MainPID") + " is running");

      // systemctl stop: a clean stop within the drain, never "failed"
      ChildGateway.Result stopped = systemd.systemctl("stop", UNIT);
      assertThat(stopped.exitCode()).as(stopped.output()).isZero();
      assertThat(systemd.show(UNIT, "ActiveState", "Result"))
          .containsEntry("ActiveState", "inactive")
          .containsEntry("Result", "success");
      GatewayState last = StateFile.read(home).orElseThrow();
      assertThat(last.state()).isEqualTo(GatewayState.STOPPED);
      assertThat(last.exitCode()).isZero();

      // a configuration error exits 78 and systemd does not start it again
      Files.writeString(home.resolve("switchboard.yaml"), "gateway:\n  drain_timeout: soon\n");
      assertThat(systemd.systemctl("start", UNIT).exitCode()).isNotZero();
      await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15)).until(() -> {
        Map<String, String> s = systemd.show(UNIT, "ActiveState", "ExecMainStatus", "NRestarts");
        return s.get("ActiveState").equals("failed")
            && s.get("ExecMainStatus").equals("78")
            && s.get("NRestarts").equals("0");
      });

      ChildGateway.Result notThis = ChildGateway.cli(
          env, "uninstall", "--home", home.resolveSibling("elsewhere").toString());
      assertThat(notThis.exitCode()).isEqualTo(1);
      assertThat(notThis.output()).contains("serves " + home + ", not ");
      assertThat(Path.of(env.get("XDG_CONFIG_HOME"), "systemd", "user", UNIT)).exists();
      ChildGateway.Result removed = ChildGateway.cli(env, "uninstall");
      assertThat(removed.exitCode()).as(removed.output()).isZero();
      assertThat(Path.of(env.get("XDG_CONFIG_HOME"), "systemd", "user", UNIT)).doesNotExist();
    }
  }

  /**
   * A gateway whose receive loop is wedged stops sending WATCHDOG=1, so systemd kills it after
   * WatchdogSec and starts a new one.
   */
  @Test
  void aWedgedGatewayIsKilledAndRestartedByTheWatchdog() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    try (LoopbackServer chat = new LoopbackServer();
        SystemdUserManager systemd = SystemdUserManager.start(dir)) {
      Files.writeString(
          home.resolve("switchboard.yaml"),
          "http:\n  port: 0\n"
              + "service:\n  watchdog: 3s\nplatforms:\n  loopback:\n    enabled: true\n"
              + "    port: " + chat.port() + "\n");
      ChildGateway.Result installed =
          ChildGateway.cli(systemd.env(), "install", "--home", home.toString());
      assertThat(installed.exitCode()).as(installed.output()).isZero();
      long pid1 = Long.parseLong(systemd.show(UNIT, "MainPID").get("MainPID"));
      assertThat(chat.awaitConnection(0, Duration.ofSeconds(30))).isEqualTo(pid1);
      chat.wedge();
      // the loop's limit (10 s) passes, the pings stop, WatchdogSec (3 s) later systemd acts
      long pid2 = chat.awaitConnection(pid1, Duration.ofSeconds(60));
      Map<String, String> s = systemd.show(UNIT, "ActiveState", "MainPID", "NRestarts");
      assertThat(s).containsEntry("NRestarts", "1").containsEntry("MainPID", Long.toString(pid2));
      // the old process said why it went quiet; systemd did the rest
      assertThat(Files.readString(home.resolve("logs").resolve("gateway.log")))
          .contains("withholding the watchdog ping: no progress in [loopback receive");
      assertThat(ChildGateway.cli(systemd.env(), "uninstall").exitCode()).isZero();
    }
  }

  /**
   * RestartSec=0 restarts a crash at once; a program that dies before it gets going (here a
   * shell that exits 1 in place of the JVM) must end failed at the start limit, not spin.
   */
  @Test
  void aProgramThatDiesAtOnceEndsFailedAtTheStartLimitInsteadOfSpinning() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    try (SystemdUserManager systemd = SystemdUserManager.start(dir)) {
      String unit = "switchboard-dies.service";
      SystemdUnit dying = new SystemdUnit(
          List.of("/bin/sh", "-c", "exit 1"),
          home,
          null,
          Duration.ofSeconds(30),
          Duration.ofSeconds(10),
          List.of());
      Path unitDir = Path.of(systemd.env().get("XDG_CONFIG_HOME"), "systemd", "user");
      Files.writeString(unitDir.resolve(unit), dying.render("test"));
      assertThat(systemd.systemctl("daemon-reload").exitCode()).isZero();
      assertThat(systemd.systemctl("start", unit).exitCode()).isNotZero();
      Map<String, String> s = await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> systemd.show(unit, "ActiveState", "NRestarts"),
              // with Restart=on-failure a crash shows "activating" (auto-restart); "failed" is
              // the end, with no restart to come (systemd 252 says Result=exit-code here)
              now -> now.get("ActiveState").equals("failed"));
      // the first start, then restarts up to the burst: 50 starts in all, then no more
      assertThat(Integer.parseInt(s.get("NRestarts"))).isBetween(1, SystemdUnit.START_LIMIT_BURST);
    }
  }

  /** Waits until systemd runs a new main process after a planned restart, never failed. */
  private static long awaitNewMainPid(SystemdUserManager systemd, long old, String nRestarts)
      throws Exception {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      Map<String, String> s =
          systemd.show(UNIT, "ActiveState", "SubState", "MainPID", "NRestarts", "Result");
      assertThat(s.get("ActiveState")).as("the unit must never fail: %s", s).isNotEqualTo("failed");
      return s.get("ActiveState").equals("active")
          && s.get("SubState").equals("running")
          && !s.get("MainPID").equals(Long.toString(old))
          && !s.get("MainPID").equals("0")
          && s.get("NRestarts").equals(nRestarts)
          && s.get("Result").equals("success");
    });
    return Long.parseLong(systemd.show(UNIT, "MainPID").get("MainPID"));
  }

  private static String login(HttpClient http, String base, Path home) throws Exception {
    String token =
        Files.readString(home.resolve(LoginToken.FILE), StandardCharsets.UTF_8).strip();
    HttpResponse<String> r =
        post(http, base + "/api/web/login", "{\"token\":\"" + token + "\"}", null);
    assertThat(r.statusCode()).isEqualTo(204);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static HttpResponse<String> post(HttpClient http, String url, String json, String cookie)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String snapshot(HttpClient http, String base, String chat, String cookie) {
    try (SseClient events =
        SseClient.open(http, URI.create(base + "/api/web/chats/" + chat + "/events"), cookie)) {
      return events.next("snapshot", 5).data();
    } catch (Exception e) {
      return ""; // between two processes: not answering yet
    }
  }
}
