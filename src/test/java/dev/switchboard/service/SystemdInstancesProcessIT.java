package dev.switchboard.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.PostgresServer;
import dev.switchboard.testing.SystemdUserManager;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways on one host under a real systemd user manager, from the template unit {@code
 * switchboard@.service} ({@code install --instance}), sharing a PostgreSQL database: one is
 * active, the other stands by, and stopping the active one's unit hands its bot to the other.
 */
class SystemdInstancesProcessIT {
  private static final String BOT_TOKEN = "778:AAH-instances-test-token_0123456789";
  private static final long BOB = 4242;
  private static final Duration START = Duration.ofSeconds(90);
  private static final PostgresServer SERVER = PostgresServer.shared();

  @TempDir
  Path dir;

  @Test
  void twoInstancesOfTheTemplateShareTheBotOneActiveOneStandingBy() throws Exception {
    String url = SERVER.newDatabase("instances");
    Path parent = dir.resolve("gateways");
    Path a = parent.resolve("bot-a");
    Path b = parent.resolve("bot-b");
    try (FakeTelegramServer telegram = FakeTelegramServer.start(BOT_TOKEN, "instances_bot");
        SystemdUserManager systemd = SystemdUserManager.start(dir)) {
      telegram.registerUser(BOB, "Bob", null, "bob");
      for (Path home : new Path[] {a, b}) {
        Files.createDirectories(home);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
          port = free.getLocalPort();
        }
        // the unit passes no environment of ours: each instance reads its own directory
        Files.writeString(
            home.resolve("switchboard.yaml"),
            "http:\n  port: " + port + "\n"
                + "gateway:\n  drain_timeout: 10s\n  shutdown_grace: 5s\n"
                // short, so that a standby that did not ping would be killed within the test
                + "service:\n  watchdog: 2s\n"
                + "store:\n  url: " + url + "\n  lease_ttl: 3s\n"
                + "platforms:\n  telegram:\n    bot_token: \"" + BOT_TOKEN + "\"\n"
                + "    api_base_url: " + telegram.baseUrl() + "\n    poll_timeout: 2s\n"
                + "    allowed_users: [\"" + BOB + "\"]\n");
      }
      Map<String, String> env = systemd.env();

      ChildGateway.Result first =
          ChildGateway.cli(env, "install", "--instance", "--home", a.toString());
      assertThat(first.exitCode()).as(first.output() + systemd.log()).isZero();
      assertThat(first.output()).contains("enabled and started switchboard@bot-a.service");
      // returns once the second reported READY: standing by, which is its job now
      ChildGateway.Result second =
          ChildGateway.cli(env, "install", "--instance", "--home", b.toString());
      assertThat(second.exitCode()).as(second.output() + systemd.log()).isZero();

      Path template =
          Path.of(env.get("XDG_CONFIG_HOME"), "systemd", "user", "switchboard@.service");
      assertThat(Files.readString(template))
          .contains("--home " + parent + "/%i")
          .contains("Description=Switchboard chat gateway %i");
      assertThat(systemd.show("switchboard@bot-a.service", "ActiveState"))
          .containsEntry("ActiveState", "active");
      assertThat(systemd.show("switchboard@bot-b.service", "ActiveState", "StatusText"))
          .containsEntry("ActiveState", "active")
          .hasEntrySatisfying("StatusText", s -> assertThat(s).startsWith("Standby: "));
      assertThat(StateFile.read(a).orElseThrow().state()).isEqualTo(GatewayState.RUNNING);
      assertThat(StateFile.read(b).orElseThrow().state()).isEqualTo(GatewayState.STANDBY);
      // the standby pings systemd's watchdog too: it outlives several watchdog periods
      String standbyPid = systemd.show("switchboard@bot-b.service", "MainPID").get("MainPID");
      Awaitility.await()
          .during(Duration.ofSeconds(6))
          .atMost(Duration.ofSeconds(10))
          .until(() -> systemd
              .show("switchboard@bot-b.service", "MainPID", "NRestarts")
              .equals(Map.of("MainPID", standbyPid, "NRestarts", "0")));

      // an instance elsewhere would take the template from these two: refused
      Path elsewhere = Files.createDirectories(dir.resolve("other").resolve("bot-c"));
      Files.copy(b.resolve("switchboard.yaml"), elsewhere.resolve("switchboard.yaml"));
      ChildGateway.Result refused =
          ChildGateway.cli(env, "install", "--instance", "--home", elsewhere.toString());
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.output()).contains("runs the state directories under " + parent);

      // stopping the active one's unit hands the bot over at once (its lease is given up)
      assertThat(systemd.systemctl("stop", "switchboard@bot-a.service").exitCode())
          .isZero();
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() ->
              StateFile.read(b).map(s -> GatewayState.RUNNING.equals(s.state())).orElse(false));
      telegram.privateMessage(BOB, "hello b");
      telegram.awaitMessage(BOB, m -> m.text().equals("hello b"), START);

      ChildGateway.Result goneA =
          ChildGateway.cli(env, "uninstall", "--instance", "--home", a.toString());
      assertThat(goneA.exitCode()).as(goneA.output()).isZero();
      assertThat(goneA.output()).contains("kept " + template + " for switchboard@bot-b.service");
      ChildGateway.Result goneB =
          ChildGateway.cli(env, "uninstall", "--instance", "--home", b.toString());
      assertThat(goneB.exitCode()).as(goneB.output()).isZero();
      assertThat(goneB.output()).contains("removed " + template);
      assertThat(template).doesNotExist();
      assertThat(systemd.show("switchboard@bot-b.service", "ActiveState"))
          .containsEntry("ActiveState", "inactive");
    }
  }
}
