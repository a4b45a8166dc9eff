package dev.switchboard.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdUnitTest {
  @TempDir
  Path dir;

  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private static SystemdUnit unit(String user) {
    return new SystemdUnit(
        List.of(
            JAVA,
            "-jar",
            "/opt/switchboard/switchboard.jar",
            "run",
            "--home",
            "/var/lib/switch board"),
        Path.of("/var/lib/switch board"),
        user,
        Duration.ofSeconds(30),
        Duration.ofSeconds(75),
        List.of("MALLOC_ARENA_MAX=2"));
  }

  @Test
  void theTemplateRunsTheStateDirectoryNamedByTheInstance() {
    SystemdUnit one = new SystemdUnit(
        List.of(JAVA, "-jar", "/srv/sb/a.jar", "run", "--home", "/srv/sb/a"),
        Path.of("/srv/sb/a"),
        null,
        Duration.ofSeconds(30),
        Duration.ofSeconds(75),
        List.of("MALLOC_ARENA_MAX=2"),
        List.of(Path.of("/srv/sb/a/work"), Path.of("/srv/sb/ab")));
    String text = one.renderTemplate("1.2.3");
    assertThat(text.lines())
        .contains(
            "Description=Switchboard chat gateway %i",
            "ExecStart=" + JAVA + " -jar /srv/sb/a.jar run --home /srv/sb/%i",
            "ReadWritePaths=/srv/sb/%i",
            // the whole directory only: a sibling whose name starts the same stays as it is
            "ReadWritePaths=-/srv/sb/%i/work -/srv/sb/ab",
            "Type=notify",
            "RestartForceExitStatus=75");
    assertThat(SystemdUnit.homeOf(text)).contains(Path.of("/srv/sb/%i"));

    String spaced = unit(null).renderTemplate("1.2.3");
    assertThat(spaced.lines())
        .contains("ReadWritePaths=\"/var/lib/%i\"")
        .anyMatch(l -> l.startsWith("ExecStart=") && l.endsWith(" --home \"/var/lib/%i\""));
  }

  @Test
  void anInstanceNameIsOneSystemdTakesAsItIs() {
    assertThat(SystemdUnit.validInstanceName("bot-a_1.prod:x")).isTrue();
    assertThat(SystemdUnit.validInstanceName("switch board")).isFalse();
    assertThat(SystemdUnit.validInstanceName("caf\u00e9")).isFalse();
    assertThat(SystemdUnit.validInstanceName("a/b")).isFalse();
    assertThat(SystemdUnit.validInstanceName("")).isFalse();
  }

  @Test
  void theUnitKeepsTheLifecycleContract() {
    String text = unit(null).render("1.2.3");
    assertThat(text.lines())
        .contains(
            "Type=notify",
            "NotifyAccess=main",
            "WatchdogSec=30s",
            "Restart=on-failure",
            "RestartSec=0",
            "StartLimitIntervalSec=10s",
            "StartLimitBurst=50",
            "SuccessExitStatus=75 143",
            "RestartForceExitStatus=75",
            "RestartPreventExitStatus=78",
            "KillMode=mixed",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "PrivateTmp=yes",
            "ReadWritePaths=\"/var/lib/switch board\"",
            "WantedBy=default.target",
            "Environment=MALLOC_ARENA_MAX=2",
            "RuntimeDirectory=switchboard",
            "RuntimeDirectoryPreserve=yes",
            "ExecReload=/bin/kill -HUP $MAINPID");
    // the gateway's own stop budget (drain + grace = 75 s) plus a margin
    assertThat(text.lines()).contains("TimeoutStopSec=90s");
    assertThat(text).doesNotContain("ExecStop").doesNotContain("User=").contains("1.2.3");
    assertThat(text.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow())
        .endsWith("run --home \"/var/lib/switch board\"");
  }

  @Test
  void aSystemUnitRunsAsItsUserAndStartsWithTheMachine() {
    String text = unit("gateway").render("1.2.3");
    assertThat(text.lines()).contains("User=gateway", "WantedBy=multi-user.target");
  }

  @Test
  void aStateDirectoryUnderTmpGoesWithoutPrivateTmp() {
    SystemdUnit inTmp = new SystemdUnit(
        List.of(JAVA, "-cp", "/opt/a.jar:/tmp/b", "Main"),
        Path.of("/srv/home"),
        null,
        Duration.ZERO,
        Duration.ofSeconds(1),
        List.of());
    assertThat(inTmp.privateTmp()).isFalse();
    assertThat(inTmp.render("v")).doesNotContain("PrivateTmp=yes");
    SystemdUnit home = new SystemdUnit(
        List.of(JAVA),
        Path.of("/var/tmp/sb"),
        null,
        Duration.ZERO,
        Duration.ofSeconds(1),
        List.of());
    assertThat(home.privateTmp()).isFalse();
    assertThat(unit(null).privateTmp()).isTrue();
  }

  @Test
  void theAgentsDirectoriesStayWritableAndNeedNotExistYet() throws Exception {
    SystemdUnit acp = new SystemdUnit(
        List.of(JAVA, "-jar", "/opt/s.jar", "run", "--home", "/srv/sb"),
        Path.of("/srv/sb"),
        null,
        Duration.ofSeconds(30),
        Duration.ofSeconds(75),
        List.of(),
        List.of(Path.of("/home/ada/.local/state/switchboard-agents/x"), Path.of("/home/a b/.npm")));
    String text = acp.render("v");
    assertThat(text.lines())
        .contains(
            "ReadWritePaths=/srv/sb",
            "PrivateTmp=yes",
            "ReadWritePaths=-/home/ada/.local/state/switchboard-agents/x \"-/home/a b/.npm\"");
    Path file = dir.resolve(ServiceInstaller.UNIT_NAME);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Process p = new ProcessBuilder("systemd-analyze", "verify", file.toString())
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).as("systemd-analyze verify printed warnings").isBlank();

    // An agents' directory under /tmp could not be seen through a private /tmp.
    SystemdUnit inTmp = new SystemdUnit(
        List.of(JAVA),
        Path.of("/srv/sb"),
        null,
        Duration.ZERO,
        Duration.ofSeconds(1),
        List.of(),
        List.of(Path.of("/tmp/agents")));
    assertThat(inTmp.privateTmp()).isFalse();
    assertThat(unit(null).render("v").lines().filter(l -> l.startsWith("ReadWritePaths=")))
        .as("no agents' directories, no second line")
        .hasSize(1);
  }

  @Test
  void noWatchdogMeansNoWatchdogLine() {
    SystemdUnit none = new SystemdUnit(
        List.of(JAVA), Path.of("/h"), null, Duration.ZERO, Duration.ofSeconds(1), List.of());
    assertThat(none.render("v")).doesNotContain("WatchdogSec");
  }

  @Test
  void wordsAreQuotedAsSystemdReadsThem() {
    assertThat(SystemdUnit.quote("/usr/bin/java")).isEqualTo("/usr/bin/java");
    assertThat(SystemdUnit.quote("a b")).isEqualTo("\"a b\"");
    assertThat(SystemdUnit.quote("100%")).isEqualTo("100%%");
    assertThat(SystemdUnit.quote("$HOME")).isEqualTo("$$HOME");
    assertThat(SystemdUnit.quote("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
    assertThat(SystemdUnit.quote("")).isEqualTo("\"\"");
  }

  /** systemd's own checker reads the unit: it must have nothing to say. */
  @Test
  void systemdAnalyzeVerifyFindsNothingToWarnAbout() throws Exception {
    Path file = dir.resolve(ServiceInstaller.UNIT_NAME);
    for (String user : new String[] {null, "root"}) {
      Files.writeString(file, unit(user).render("1.2.3"), StandardCharsets.UTF_8);
      Process p = new ProcessBuilder("systemd-analyze", "verify", file.toString())
          .redirectErrorStream(true)
          .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as(out).isZero();
      assertThat(out).as("systemd-analyze verify printed warnings").isBlank();
    }
  }

  @Test
  void theServedHomeIsReadBackFromExecStartWhateverItsQuoting() {
    for (String home :
        List.of("/srv/switchboard", "/home/a b/.switchboard", "/x/100%/$HOME", "/q/say \"hi\"\\")) {
      String text = new SystemdUnit(
              List.of("/usr/bin/java", "-jar", "/opt/s.jar", "run", "--home", home),
              Path.of(home),
              null,
              Duration.ofSeconds(30),
              Duration.ofSeconds(70),
              List.of())
          .render("test");
      assertThat(SystemdUnit.homeOf(text)).as(text).contains(Path.of(home));
    }
    assertThat(SystemdUnit.homeOf("[Service]\nExecStart=/usr/bin/java -jar s.jar run\n"))
        .isEmpty();
  }

  @Test
  void driftListsTheSettingsThatChangedAndIgnoresComments() {
    String a = "# written by 0.1.0\n[Service]\nType=notify\nTimeoutStopSec=90s\nUser=gw\n";
    String b = "# written by 0.2.0\n[Service]\nType=notify\nTimeoutStopSec=330s\nUser=gw\n";
    assertThat(SystemdUnit.drift(a, a.replace("0.1.0", "0.3.0"))).isEmpty();
    assertThat(SystemdUnit.drift(a, b))
        .containsExactly("- TimeoutStopSec=90s", "+ TimeoutStopSec=330s");
    assertThat(SystemdUnit.userOf(a)).isEqualTo("gw");
    assertThat(SystemdUnit.userOf("[Service]\nType=notify\n")).isNull();
  }
}
