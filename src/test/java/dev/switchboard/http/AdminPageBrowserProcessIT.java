package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.NodeScript;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin page's login form in real headless Chromium (Debian's, driven by Playwright) against
 * a gateway process with the login on: the form shows only to a browser that is not logged in.
 * Screenshots land in target/browser/.
 */
class AdminPageBrowserProcessIT {
  @TempDir
  Path dir;

  /**
   * Logged in through the web chat, the admin page shows the gateway's data and no login form;
   * not logged in, the form and no data; after logging in with the form, the form goes away.
   */
  @Test
  void theLoginFormShowsOnlyWhenNotLoggedIn() throws Exception {
    Path home = dir.resolve("home");
    Path shots = Path.of("target", "browser").toAbsolutePath();
    Files.createDirectories(shots);
    try (ChildGateway gateway = ChildGateway.run(home, Map.of())) {
      // More time than awaitRunning gives: on a machine shared with other builds a cold JVM
      // has taken over 30 s to start.
      GatewayState running = gateway.awaitState(GatewayState.RUNNING, Duration.ofSeconds(90));
      String token = Files.readString(home.resolve(LoginToken.FILE), StandardCharsets.UTF_8)
          .strip();
      try (NodeScript script = NodeScript.start(
          "browser-admin-test.mjs",
          Map.of(
              "BASE_URL",
              "http://" + running.http(),
              "LOGIN_TOKEN",
              token,
              "SCREENSHOT",
              shots.resolve("admin.png").toString()),
          dir)) {
        assertThat(script.awaitExit(Duration.ofSeconds(150)))
            .as(script.describe())
            .isZero();
        assertThat(script.stdout())
            .anyMatch(l -> l.startsWith("step 1 ok"))
            .anyMatch(l -> l.startsWith("step 2 ok"))
            .anyMatch(l -> l.startsWith("step 3 ok"));
      }
      gateway.signal("TERM");
      assertThat(gateway.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    assertThat(shots.resolve("admin-logged-in.png")).isNotEmptyFile();
    assertThat(shots.resolve("admin.png")).isNotEmptyFile();
  }
}
