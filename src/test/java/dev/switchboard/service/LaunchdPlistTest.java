package dev.switchboard.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The LaunchAgent plist, read back by Python's plistlib (the standard library's parser of
 * Apple's format; launchd itself cannot run here), and the launchctl steps of installing it.
 */
class LaunchdPlistTest {
  private static final Path HOME = Path.of("/Users/ada/Switch & Board <1>");

  @TempDir
  Path dir;

  /** Parses a plist the way Python's plistlib does and returns it as JSON. */
  static JsonNode parse(String plist) throws Exception {
    Process p = new ProcessBuilder(
            "/usr/bin/python3",
            "-c",
            "import json, plistlib, sys;"
                + " print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))")
        .redirectErrorStream(true)
        .start();
    p.getOutputStream().write(plist.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return JsonMapper.builder().build().readTree(out);
  }

  @Test
  void theJobKeepsTheLifecycleContractInLaunchdsTerms() throws Exception {
    List<String> command = List.of(
        "/opt/jdk 25/bin/java",
        "-Xmx112m",
        "-jar",
        "/opt/switchboard.jar",
        "run",
        "--home",
        HOME.toString());
    String text = new LaunchdPlist(command, HOME, Duration.ofSeconds(75)).render("1.2.3");
    JsonNode job = parse(text);
    assertThat(job.path("Label").asString()).isEqualTo("dev.switchboard.gateway");
    List<String> args = new ArrayList<>();
    job.path("ProgramArguments").forEach(a -> args.add(a.asString()));
    assertThat(args).isEqualTo(command);
    assertThat(job.path("RunAtLoad").asBoolean()).isTrue();
    // relaunched after any exit but 0: 75 (a planned restart) and crashes; a stop stays down
    assertThat(job.path("KeepAlive").path("SuccessfulExit").isBoolean()).isTrue();
    assertThat(job.path("KeepAlive").path("SuccessfulExit").asBoolean()).isFalse();
    // SIGKILL only after the gateway's own stop budget (75 s) and a margin
    assertThat(job.path("ExitTimeOut").asInt()).isEqualTo(90);
    assertThat(job.path("ThrottleInterval").asInt()).isEqualTo(5);
    assertThat(job.path("StandardOutPath").asString())
        .isEqualTo(HOME.resolve("logs/launchd.log").toString());
    assertThat(job.path("EnvironmentVariables").path("MALLOC_ARENA_MAX").asString())
        .isEqualTo("2");
    assertThat(LaunchdPlist.homeOf(text)).contains(HOME);
    assertThat(text).contains("1.2.3");
  }

  @Test
  void installLoadsTheJobAndAChangedOneReplacesTheOld() throws Exception {
    List<List<String>> calls = new ArrayList<>();
    LaunchAgentInstaller installer = new LaunchAgentInstaller(
        c -> {
          calls.add(c);
          return new SystemctlRunner.Result(0, "");
        },
        dir,
        "501");
    Path plist = dir.resolve("Library/LaunchAgents/dev.switchboard.gateway.plist");
    assertThat(installer.plistPath()).isEqualTo(plist);

    assertThat(installer.install("<plist>one</plist>")).contains("wrote " + plist);
    assertThat(Files.readString(plist)).isEqualTo("<plist>one</plist>");
    assertThat(calls)
        .containsExactly(List.of("launchctl", "bootstrap", "gui/501", plist.toString()));

    calls.clear();
    installer.install("<plist>two</plist>");
    assertThat(calls)
        .containsExactly(
            List.of("launchctl", "bootout", "gui/501/dev.switchboard.gateway"),
            List.of("launchctl", "bootstrap", "gui/501", plist.toString()));
    assertThat(installer.startCommand())
        .containsExactly("launchctl", "kickstart", "gui/501/dev.switchboard.gateway");

    calls.clear();
    assertThat(installer.uninstall()).contains("removed " + plist);
    assertThat(calls)
        .containsExactly(List.of("launchctl", "bootout", "gui/501/dev.switchboard.gateway"));
    assertThat(plist).doesNotExist();
    assertThat(installer.uninstall())
        .containsExactly("no LaunchAgent at " + plist + "; nothing to remove");
  }

  @Test
  void aRefusedBootstrapIsReportedWithLaunchctlsWords() {
    LaunchAgentInstaller installer = new LaunchAgentInstaller(
        c -> new SystemctlRunner.Result(5, "Bootstrap failed: 5: Input/output error"), dir, "501");
    assertThatThrownBy(() -> installer.install("<plist/>"))
        .isInstanceOf(ServiceInstaller.InstallException.class)
        .hasMessageContaining("launchctl bootstrap gui/501")
        .hasMessageContaining("failed (exit 5)")
        .hasMessageContaining("Bootstrap failed: 5: Input/output error");
  }
}
