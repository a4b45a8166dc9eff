package dev.switchboard.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.ChildGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code switchboard install --launchd} from the built CLI, on a machine without launchd. */
class LaunchdInstallProcessIT {
  @TempDir
  Path dir;

  @Test
  void printShowsAPlistThatRunsThisGatewayWithItsStopBudget() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    Files.writeString(
        home.resolve("switchboard.yaml"), "gateway:\n  drain_timeout: 2m\n  shutdown_grace: 20s\n");
    ChildGateway.Result r =
        ChildGateway.cli(Map.of(), "install", "--launchd", "--print", "--home", home.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    JsonNode job = LaunchdPlistTest.parse(r.output());
    List<String> args = new ArrayList<>();
    job.path("ProgramArguments").forEach(a -> args.add(a.asString()));
    assertThat(args.getFirst()).isEqualTo(ChildGateway.java());
    assertThat(args.subList(args.size() - 3, args.size()))
        .containsExactly("run", "--home", home.toString());
    assertThat(job.path("ExitTimeOut").asInt()).isEqualTo(120 + 20 + 15);
  }

  @Test
  void installingALaunchAgentOffMacOsRefusesAndWritesNothing() throws Exception {
    Path plist = Path.of(
        System.getProperty("user.home"),
        "Library",
        "LaunchAgents",
        "dev.switchboard.gateway.plist");
    boolean there = Files.exists(plist);
    ChildGateway.Result r = ChildGateway.cli(
        Map.of(), "install", "--launchd", "--home", dir.resolve("home").toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.output())
        .contains("launchd runs on macOS only; this is Linux")
        .contains("'switchboard install --launchd --print' shows the plist");
    assertThat(Files.exists(plist)).isEqualTo(there);
    assertThat(dir.resolve("home")).doesNotExist();
  }
}
