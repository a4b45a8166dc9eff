package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.ChildGateway.Result;
import dev.switchboard.testing.loopback.LoopbackServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built gateway as a child process, driven from outside: signals, exit codes, the lock,
 * restarts with and without a service manager, and the CLI.
 */
class GatewayProcessIT {
  private static final Duration START = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private Path home;
  private final List<ChildGateway> children = new ArrayList<>();
  private LoopbackServer chat;

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
  }

  @AfterEach
  void tearDown() throws Exception {
    children.forEach(ChildGateway::close);
    // A detached gateway (a relaunch, 'switchboard start') is not one of our children.
    GatewayLock.Probe lock = GatewayLock.probe(home);
    if (lock.held() && lock.pid().isPresent()) {
      ProcessHandle.of(lock.pid().getAsLong()).ifPresent(p -> {
        p.destroy();
        p.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
      });
    }
    if (chat != null) {
      chat.close();
    }
  }

  private ChildGateway start(Map<String, String> env) throws Exception {
    ChildGateway child = ChildGateway.run(home, env);
    children.add(child);
    return child;
  }

  private void config(String yaml) throws Exception {
    Files.writeString(home.resolve("switchboard.yaml"), yaml);
  }

  /** Enables the loopback chat; returns its server. */
  private LoopbackServer loopback(String extraYaml) throws Exception {
    chat = new LoopbackServer();
    config("auth:\n  allow_all_users: true\n  admin_users: [alice]\n"
        + "platforms:\n  loopback:\n    enabled: true\n    port: " + chat.port() + "\n"
        + extraYaml);
    return chat;
  }

  @Test
  void sigtermWhenIdleExitsZeroWithinFiveSeconds() throws Exception {
    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    long t0 = System.nanoTime();
    gw.signal("TERM");
    assertThat(gw.awaitExit(Duration.ofSeconds(5))).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    GatewayState s = StateFile.read(home).orElseThrow();
    assertThat(s.state()).isEqualTo("stopped");
    assertThat(s.exitCode()).isZero();
    assertThat(s.exitReason()).isEqualTo("SIGTERM");
  }

  /**
   * Ctrl-C in a terminal. Started through {@code env --default-signal=INT}: a shell without job
   * control that runs the tests in the background hands its children SIGINT ignored (POSIX), the
   * JVM then leaves it ignored, and the signal this test sends would never arrive.
   */
  @Test
  void sigintExitsZero() throws Exception {
    ChildGateway gw = ChildGateway.run(home, Map.of(), List.of("env", "--default-signal=INT"));
    children.add(gw);
    gw.awaitRunning();
    gw.signal("INT");
    assertThat(gw.awaitExit(Duration.ofSeconds(5))).isZero();
  }

  @Test
  void sigusr1UnderSystemdExits75() throws Exception {
    ChildGateway gw = start(Map.of("INVOCATION_ID", "0123456789abcdef"));
    assertThat(gw.awaitRunning().serviceManager()).isEqualTo("systemd");
    gw.signal("USR1");
    assertThat(gw.awaitExit(Duration.ofSeconds(10))).isEqualTo(75);
    GatewayState s = StateFile.read(home).orElseThrow();
    assertThat(s.restartRequested()).isTrue();
    assertThat(s.exitCode()).isEqualTo(75);
    assertThat(s.state()).isEqualTo("stopped");
  }

  /**
   * The terminal went away: a stop, and nothing comes back. Started through {@code env
   * --default-signal=HUP} because a test run under {@code nohup} hands its children SIGHUP
   * ignored, and the JVM then leaves it ignored.
   */
  @Test
  void sighupWithoutAServiceManagerStopsWithExitZero() throws Exception {
    ChildGateway gw = ChildGateway.run(home, Map.of(), List.of("env", "--default-signal=HUP"));
    children.add(gw);
    assertThat(gw.awaitRunning().serviceManager()).isEqualTo("none");
    gw.signal("HUP");
    assertThat(gw.awaitExit(Duration.ofSeconds(10))).isZero();
    GatewayState s = StateFile.read(home).orElseThrow();
    assertThat(s.pid()).as("no successor was started").isEqualTo(gw.pid());
    assertThat(s.state()).isEqualTo("stopped");
    assertThat(s.exitReason()).isEqualTo("SIGHUP");
    assertThat(s.restartRequested()).isFalse();
    assertThat(GatewayLock.probe(home).held()).isFalse();
    assertThat(Files.readString(home.resolve("logs/gateway.log")))
        .contains("stop requested by SIGHUP; exit code will be 0")
        .doesNotContain("asks for a reload");
  }

  /** {@code systemctl reload}: exit 75, so that systemd starts a process with the new config. */
  @Test
  void sighupUnderSystemdRestartsWithExit75AndSaysWhy() throws Exception {
    ChildGateway gw = ChildGateway.run(
        home, Map.of("INVOCATION_ID", "0123456789abcdef"), List.of("env", "--default-signal=HUP"));
    children.add(gw);
    assertThat(gw.awaitRunning().serviceManager()).isEqualTo("systemd");
    gw.signal("HUP");
    assertThat(gw.awaitExit(Duration.ofSeconds(10))).isEqualTo(75);
    GatewayState s = StateFile.read(home).orElseThrow();
    assertThat(s.state()).isEqualTo("stopped");
    assertThat(s.exitCode()).isEqualTo(75);
    assertThat(s.exitReason()).isEqualTo("SIGHUP");
    assertThat(s.restartRequested()).isTrue();
    assertThat(Files.readString(home.resolve("logs/gateway.log")))
        .contains("SIGHUP under a service manager (systemd) asks for a reload: restarting with"
            + " exit code 75 so that it starts a new process, which reads the configuration"
            + " again")
        .contains("restart requested by SIGHUP; exit code will be 75")
        .doesNotContain("detached copy");
  }

  @Test
  void sigusr1WithoutAServiceManagerStartsADetachedSuccessor() throws Exception {
    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    long oldPid = gw.pid();
    long oldSession = sessionId(oldPid);
    gw.signal("USR1");
    assertThat(gw.awaitExit(Duration.ofSeconds(10))).isZero();

    await().atMost(START).pollInterval(Duration.ofMillis(100)).until(() -> {
      Optional<GatewayState> s = StateFile.read(home);
      return s.isPresent()
          && s.get().pid() != oldPid
          && "running".equals(s.get().state());
    });
    long newPid = StateFile.read(home).orElseThrow().pid();
    ProcessHandle successor = ProcessHandle.of(newPid).orElseThrow();
    assertThat(successor.isAlive()).isTrue();
    assertThat(successor.parent().map(ProcessHandle::pid).orElse(-1L)).isNotEqualTo(oldPid);
    assertThat(sessionId(newPid)).isNotEqualTo(oldSession).isEqualTo(newPid);

    Result stop = ChildGateway.cli(Map.of(), "stop", "--home", home.toString());
    assertThat(stop.exitCode()).as(stop.output()).isZero();
    assertThat(stop.output()).contains("Stopped (exit code 0)");
    assertThat(successor.isAlive()).isFalse();
  }

  private static List<Long> ancestors(long pid) {
    List<Long> chain = new ArrayList<>();
    Optional<ProcessHandle> p = ProcessHandle.of(pid).flatMap(ProcessHandle::parent);
    while (p.isPresent()) {
      chain.add(p.get().pid());
      p = p.get().parent();
    }
    return chain;
  }

  @Test
  void startRunsTheGatewayDetachedAndReturnsOnceItIsReady() throws Exception {
    LoopbackServer server = loopback("");
    Map<String, String> env = Map.of("SWITCHBOARD_HOME", home.toString());
    Result started = ChildGateway.cli(env, "start");
    assertThat(started.exitCode()).as(started.output()).isZero();
    assertThat(started.output())
        .contains("Starting Switchboard in the background")
        .containsPattern("Started: pid \\d+ is running");
    GatewayState s = StateFile.read(home).orElseThrow();
    assertThat(s.state()).isEqualTo("running");
    assertThat(started.output()).contains("Started: pid " + s.pid() + " ");
    assertThat(ancestors(s.pid())).doesNotContain(ProcessHandle.current().pid());
    assertThat(sessionId(s.pid())).isEqualTo(s.pid());
    assertThat(server.awaitConnection(-1, START)).isEqualTo(s.pid());
    server.send("alice", "hello");
    server.awaitText("alice", "hello", Duration.ofSeconds(10));

    Result again = ChildGateway.cli(env, "start");
    assertThat(again.exitCode()).isZero();
    assertThat(again.output()).contains("already running (pid " + s.pid());
    assertThat(server.connections()).isEqualTo(1);

    Result stop = ChildGateway.cli(env, "stop");
    assertThat(stop.exitCode()).as(stop.output()).isZero();
    assertThat(ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false))
        .isFalse();
  }

  @Test
  void startOnAHomeThatDoesNotExistYetMakesItOwnerOnlyAndKeepsTheTokenOutOfTheLogs()
      throws Exception {
    Path fresh = dir.resolve("not/there/yet");
    Result started = ChildGateway.cli(Map.of(), "start", "--home", fresh.toString());
    try {
      assertThat(started.exitCode()).as(started.output()).isZero();
      assertThat(started.output()).containsPattern("Started: pid \\d+ is running");
      Map<String, String> modes = modes(fresh);
      assertThat(modes)
          .containsKeys(
              ".",
              "gateway.lock",
              "gateway_state.json",
              "web_token",
              "switchboard.db",
              "switchboard.db-wal",
              "switchboard.db-shm",
              "logs",
              "logs/gateway.log",
              "logs/console.log");
      modes.forEach((name, mode) -> assertThat(mode)
          .as(name)
          .isEqualTo(Files.isDirectory(fresh.resolve(name)) ? "rwx------" : "rw-------"));

      // A detached start's output is a file: the token is not printed there, nor logged.
      String token = Files.readString(fresh.resolve("web_token")).strip();
      assertThat(started.output()).doesNotContain(token);
      assertThat(Files.readString(fresh.resolve("logs/console.log"))).doesNotContain(token);
      assertThat(Files.readString(fresh.resolve("logs/gateway.log")))
          .doesNotContain(token)
          .contains("read it with 'cat " + fresh.resolve("web_token") + "'");
    } finally {
      Result stop = ChildGateway.cli(Map.of(), "stop", "--home", fresh.toString());
      assertThat(stop.exitCode()).as(stop.output()).isZero();
    }
  }

  @Test
  void aHomeAnOlderVersionLeftOpenIsMadeOwnerOnlyAtEveryStartAndTheLogSaysWhat() throws Exception {
    Path env = Files.writeString(home.resolve(".env"), "SWITCHBOARD_LOG_LEVEL=info\n");
    Path logs = Files.createDirectories(home.resolve("logs"));
    Path log = Files.writeString(logs.resolve("gateway.log"), "an older version's line\n");
    Path console = Files.writeString(logs.resolve("console.log"), "");
    for (Path p : List.of(home, env, logs, log, console)) {
      Files.setPosixFilePermissions(
          p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    }
    ChildGateway first = start(Map.of());
    first.awaitRunning();
    modes(home)
        .forEach((name, mode) -> assertThat(mode)
            .as(name)
            .isEqualTo(Files.isDirectory(home.resolve(name)) ? "rwx------" : "rw-------"));
    List<String> told = tightenedLines(log);
    assertThat(told).hasSize(1);
    assertThat(told.getFirst())
        .contains(" INFO ")
        .contains("made the state directory " + home.toRealPath() + " owner-only")
        .contains(
            "the directory (was rwxr-xr-x)",
            ".env (was rw-r--r--)",
            "logs (was rwxr-xr-x)",
            "logs/console.log (was rw-r--r--)",
            "logs/gateway.log (was rw-r--r--)");

    // Something (a backup restore, a careless chmod) opens it again: the next start fixes it.
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r--r--"));
    first.signal("TERM");
    assertThat(first.awaitExit(Duration.ofSeconds(10))).isZero();
    ChildGateway second = start(Map.of());
    second.awaitRunning();
    assertThat(mode(env)).isEqualTo("rw-------");
    assertThat(tightenedLines(log)).hasSize(2);
    assertThat(tightenedLines(log).getLast())
        .endsWith("the group and others had access to: .env (was rw-r--r--)");
  }

  private static List<String> tightenedLines(Path log) throws Exception {
    return Files.readAllLines(log).stream()
        .filter(l -> l.contains("made the state directory"))
        .toList();
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  /** The mode of the home (".") and of everything in it, two levels down, by relative path. */
  private static Map<String, String> modes(Path home) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(home, 2)) {
      for (Path p : paths.toList()) {
        String name = p.equals(home) ? "." : home.relativize(p).toString();
        out.put(name, mode(p));
      }
    }
    return out;
  }

  @Test
  void startWithABadConfigSaysSoAndStartsNothing() throws Exception {
    config("gateway:\n  busy_policy: sometimes\n");
    Result started = ChildGateway.cli(Map.of(), "start", "--home", home.toString());
    assertThat(started.exitCode()).isEqualTo(78);
    assertThat(started.output())
        .contains(
            "configuration error: gateway.busy_policy: expected" + " one of interrupt, queue");
    assertThat(GatewayLock.probe(home).held()).isFalse();
    assertThat(StateFile.read(home)).isEmpty();
  }

  @Test
  void startReportsAGatewayThatFailedToStartWithItsLog() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Result started = ChildGateway.cli(
          Map.of("SWITCHBOARD_HTTP_PORT", Integer.toString(taken.getLocalPort())),
          "start",
          "--home",
          home.toString());
      assertThat(started.exitCode()).isEqualTo(1);
      assertThat(started.output())
          .contains("start failed: the new process (pid ")
          .contains(
              "failed to start: start failed: cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("Last log lines");
    }
  }

  /** Field 6 of /proc/PID/stat is the session id; setsid makes it equal to the pid. */
  private static long sessionId(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[3]);
  }

  @Test
  void aCarelessNonDaemonLibraryThreadDoesNotKeepTheJvmAlive() throws Exception {
    LoopbackServer server = loopback("    non_daemon_thread: true\n");
    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    server.awaitConnection(-1, START);
    gw.signal("TERM");
    assertThat(gw.awaitExit(Duration.ofSeconds(5))).isZero();
  }

  @Test
  void anAdapterThatHangsInDisconnectCannotHoldTheStop() throws Exception {
    LoopbackServer server =
        loopback("    hang_on_disconnect: true\n" + "gateway:\n  disconnect_timeout: 500ms\n");
    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    server.awaitConnection(-1, START);
    long t0 = System.nanoTime();
    gw.signal("TERM");
    assertThat(gw.awaitExit(Duration.ofSeconds(10))).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
    assertThat(StateFile.read(home).orElseThrow().platforms().get("loopback").lastError())
        .isEqualTo("disconnect timed out");
  }

  @Test
  void healthAnswersOnTheRecordedPortAndATakenPortStopsTheStartClearly() throws Exception {
    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    ChildGateway.HttpResult health = gw.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"ok\"").contains("\"state\":\"running\"");
    Result status = ChildGateway.cli(Map.of(), "status", "--home", home.toString());
    String address = StateFile.read(home).orElseThrow().http();
    assertThat(status.output()).contains("health:").contains("http://" + address + "/health");

    Path otherHome = Files.createDirectories(home.resolveSibling("other"));
    String port = address.substring(address.lastIndexOf(':') + 1);
    ChildGateway clash = ChildGateway.run(otherHome, Map.of("SWITCHBOARD_HTTP_PORT", port));
    children.add(clash);
    assertThat(clash.awaitExit(Duration.ofSeconds(15))).isEqualTo(ExitCodes.CRASHED);
    assertThat(clash.output())
        .contains("cannot listen on 127.0.0.1:" + port)
        .contains("SWITCHBOARD_HTTP_PORT")
        .doesNotContain("\tat ");
    GatewayState failed = StateFile.read(otherHome).orElseThrow();
    assertThat(failed.exitCode()).isEqualTo(ExitCodes.CRASHED);
    assertThat(failed.exitReason()).contains("cannot listen on 127.0.0.1:" + port);
    assertThat(gw.get("/health").status()).isEqualTo(200);
  }

  @Test
  void aSecondRunOnTheSameHomeRefusesClearly() throws Exception {
    ChildGateway first = start(Map.of());
    first.awaitRunning();
    ChildGateway second = start(Map.of());
    assertThat(second.awaitExit(Duration.ofSeconds(15))).isEqualTo(ExitCodes.CRASHED);
    assertThat(second.output())
        .contains("another gateway is already running with home")
        .contains("process " + first.pid());
    assertThat(first.process().isAlive()).isTrue();
    assertThat(StateFile.read(home).orElseThrow().pid()).isEqualTo(first.pid());
  }

  @Test
  void aCrashLoopIsHeldBackBeforeConnectingAndAPlannedStopEndsIt() throws Exception {
    LoopbackServer server = loopback("service:\n  respawn_limit: 1\n  respawn_delay: 60s\n");
    ChildGateway first = start(Map.of());
    first.awaitRunning();
    first.signal("KILL");
    first.awaitExit(Duration.ofSeconds(5));
    ChildGateway second = start(Map.of()); // one start after an unplanned end: the limit
    second.awaitRunning();
    assertThat(StateFile.read(home).orElseThrow().crashLoop()).isNull();
    second.signal("KILL");
    second.awaitExit(Duration.ofSeconds(5));
    int connectionsSoFar = server.connections();

    ChildGateway third = start(Map.of()); // over the limit: held back 60 s
    await()
        .atMost(START)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> StateFile.read(home)
            .filter(st -> st.pid() == third.pid() && st.crashLoop() != null)
            .isPresent());
    GatewayState held = StateFile.read(home).orElseThrow();
    assertThat(held.state()).isEqualTo("starting");
    assertThat(held.crashLoop().unplannedStarts()).isEqualTo(2);
    assertThat(held.crashLoop().delaySeconds()).isEqualTo(60);
    assertThat(held.crashLoop().lastEnd())
        .contains("pid " + second.pid() + " died while" + " running");
    Result status = ChildGateway.cli(Map.of(), "status", "--home", home.toString());
    assertThat(status.output())
        .contains("crash loop:       start 2 after an unplanned end"
            + " within 10m 0s; platforms connect at ")
        .contains("(60 s)");
    assertThat(third.output()).contains("crash loop: this is start 2 after an unplanned end");
    assertThat(server.connections()).isEqualTo(connectionsSoFar);

    long t0 = System.nanoTime();
    third.signal("TERM"); // a stop does not wait for the hold-back to end
    assertThat(third.awaitExit(Duration.ofSeconds(5))).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(server.connections()).isEqualTo(connectionsSoFar);

    ChildGateway fourth = start(Map.of()); // after a planned stop: no loop, connects at once
    fourth.awaitRunning();
    assertThat(StateFile.read(home).orElseThrow().crashLoop()).isNull();
    assertThat(server.awaitConnection(second.pid(), START)).isEqualTo(fourth.pid());
  }

  @Test
  void aKilledGatewaysLeftoversDoNotBlockTheNextStart() throws Exception {
    ChildGateway first = start(Map.of());
    first.awaitRunning();
    first.signal("KILL");
    first.awaitExit(Duration.ofSeconds(5));

    Result status = ChildGateway.cli(Map.of(), "status", "--home", home.toString());
    assertThat(status.exitCode()).isEqualTo(3);
    assertThat(status.output()).contains("not running").contains("state file is stale");
    Result json = ChildGateway.cli(Map.of(), "status", "--home", home.toString(), "--json");
    assertThat(json.output()).contains("\"stale\" : true").contains("\"running\" : false");
    assertThat(Files.readString(home.resolve("gateway.lock")).strip())
        .isEqualTo(Long.toString(first.pid()));

    ChildGateway second = start(Map.of());
    second.awaitRunning();
    assertThat(Files.readString(home.resolve("gateway.lock")).strip())
        .isEqualTo(Long.toString(second.pid()));
    second.signal("TERM");
    assertThat(second.awaitExit(Duration.ofSeconds(5))).isZero();
  }

  @Test
  void aBadConfigExits78WithOneLineNamingTheKey() throws Exception {
    config("gateway:\n  drain_timeout: soon\n");
    ChildGateway gw = start(Map.of());
    assertThat(gw.awaitExit(Duration.ofSeconds(15))).isEqualTo(78);
    List<String> errors = gw.output().lines().filter(l -> l.contains("ERROR")).toList();
    assertThat(errors).hasSize(1);
    assertThat(errors.getFirst())
        .contains("gateway.drain_timeout")
        .contains("expected a duration")
        .contains("'soon'");
    GatewayState s = StateFile.read(home).orElseThrow();
    assertThat(s.state()).isEqualTo("startup_failed");
    assertThat(s.exitCode()).isEqualTo(78);
  }

  @Test
  void anUnknownKeyExits78WithASuggestion() throws Exception {
    config("gateway:\n  drian_timeout: 30s\n");
    ChildGateway gw = start(Map.of());
    assertThat(gw.awaitExit(Duration.ofSeconds(15))).isEqualTo(78);
    assertThat(gw.output())
        .contains("gateway.drian_timeout: unknown setting in"
            + " switchboard.yaml; did you mean 'gateway.drain_timeout'?");
  }

  @Test
  void noLoginOnAPublicAddressOrAShortApiKeyExits78NamingTheKey() throws Exception {
    ChildGateway open =
        start(Map.of("SWITCHBOARD_HTTP_AUTH", "false", "SWITCHBOARD_HTTP_HOST", "0.0.0.0"));
    assertThat(open.awaitExit(Duration.ofSeconds(15))).isEqualTo(78);
    assertThat(open.output())
        .contains("http.auth: false is allowed only while http.host is a" + " loopback address");
    ChildGateway shortKey = start(Map.of("API_SERVER_KEY", "sk-short-secret"));
    assertThat(shortKey.awaitExit(Duration.ofSeconds(15))).isEqualTo(78);
    assertThat(shortKey.output())
        .contains("platforms.api.key: the key has 15 characters")
        .doesNotContain("sk-short-secret");
  }

  @Test
  void aShortWebhookSecretAProxyGivenByNameOrABadAdvertisedUrlExits78NamingTheKey()
      throws Exception {
    String shortSecret = "only-20-characters-x";
    ChildGateway webhook = start(Map.of(
        "TELEGRAM_BOT_TOKEN",
        "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefgh",
        "TELEGRAM_MODE",
        "webhook",
        "TELEGRAM_WEBHOOK_URL",
        "https://bot.example.org/telegram",
        "TELEGRAM_WEBHOOK_SECRET",
        shortSecret));
    assertThat(webhook.awaitExit(Duration.ofSeconds(30))).isEqualTo(78);
    assertThat(webhook.output())
        .contains("platforms.telegram.webhook_secret: has 20 characters; expected 32 to 256")
        .doesNotContain(shortSecret);
    ChildGateway proxy = start(Map.of("SWITCHBOARD_HTTP_TRUSTED_PROXIES", "proxy.example.org"));
    assertThat(proxy.awaitExit(Duration.ofSeconds(30))).isEqualTo(78);
    assertThat(proxy.output())
        .contains("http.trusted_proxies: 'proxy.example.org' is not an IP address");
    ChildGateway advertised = start(Map.of("SWITCHBOARD_HTTP_ADVERTISE_URL", "gw-1:8642"));
    assertThat(advertised.awaitExit(Duration.ofSeconds(30))).isEqualTo(78);
    assertThat(advertised.output())
        .contains("http.advertise_url: expected an http:// or https:// URL with a host")
        .contains("'gw-1:8642'");
  }

  @Test
  void aBadEnvironmentValueExits78NamingTheVariable() throws Exception {
    ChildGateway gw = start(Map.of("SWITCHBOARD_DRAIN_TIMEOUT", "-5"));
    assertThat(gw.awaitExit(Duration.ofSeconds(15))).isEqualTo(78);
    assertThat(gw.output()).contains("SWITCHBOARD_DRAIN_TIMEOUT: expected a duration");
  }

  @Test
  void sigquitDumpsThreadsAndKeepsRunning() throws Exception {
    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    gw.signal("QUIT");
    await().atMost(Duration.ofSeconds(10)).until(() -> gw.output().contains("Full thread dump"));
    assertThat(gw.process().isAlive()).isTrue();
    assertThat(StateFile.read(home).orElseThrow().state()).isEqualTo("running");
    gw.signal("TERM");
    assertThat(gw.awaitExit(Duration.ofSeconds(5))).isZero();
  }

  @Test
  void tellsSystemdTheTruthOverTheNotifySocket() throws Exception {
    Path socket = dir.resolve("notify.sock");
    try (UnixDatagramReceiver systemd = UnixDatagramReceiver.bind(socket.toString())) {
      ChildGateway gw =
          start(Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "400000"));
      String ready = systemd.receiveUntil(m -> m.contains("READY=1"), START).getLast();
      assertThat(ready).contains("MAINPID=" + gw.pid()).contains("STATUS=Running");
      systemd.receiveUntil(m -> m.equals("WATCHDOG=1"), Duration.ofSeconds(5));
      gw.signal("TERM");
      List<String> stopping =
          systemd.receiveUntil(m -> m.startsWith("EXTEND_TIMEOUT_USEC="), Duration.ofSeconds(5));
      assertThat(stopping).anyMatch(m -> m.startsWith("STOPPING=1"));
      assertThat(stopping.getLast()).isEqualTo("EXTEND_TIMEOUT_USEC=80000000");
      assertThat(gw.awaitExit(Duration.ofSeconds(5))).isZero();
    }
  }

  @Test
  void restartFromTheChatComesBackAndSaysSoOnceAndIgnoresARedelivery() throws Exception {
    LoopbackServer server = loopback("");
    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    long oldPid = server.awaitConnection(-1, START);
    server.sendWithId("alice", "restart-1", "/restart");
    try {
      server.awaitText("alice", "Restarting", Duration.ofSeconds(10));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + gw.output(), e);
    }
    assertThat(gw.awaitExit(Duration.ofSeconds(10))).isZero();

    long newPid = server.awaitConnection(oldPid, START);
    server.awaitText("alice", "Gateway restarted", Duration.ofSeconds(10));
    server.sendWithId("alice", "restart-1", "/restart"); // the platform redelivers it
    server.awaitAck("restart-1", Duration.ofSeconds(5));
    server.send("alice", "/status");
    server.awaitText("alice", "Gateway: running", Duration.ofSeconds(10));
    assertThat(ProcessHandle.of(newPid).map(ProcessHandle::isAlive)).hasValue(true);
    assertThat(server.texts("alice").stream().filter(t -> t.contains("Gateway restarted")))
        .hasSize(1);
    assertThat(server.texts("alice").stream().filter(t -> t.contains("Restarting")))
        .hasSize(1);
    // No supervisor: the successor is nobody's descendant of ours, outlived the old process,
    // and the two were never connected at the same time.
    assertThat(ancestors(newPid)).doesNotContain(oldPid, ProcessHandle.current().pid());
    assertThat(server.mostSimultaneousConnections()).isEqualTo(1);

    Result stop = ChildGateway.cli(Map.of(), "stop", "--home", home.toString());
    assertThat(stop.exitCode()).as(stop.output()).isZero();
  }

  @Test
  void aTurnInFlightIsFinishedAndDeliveredBeforeTheProcessExits() throws Exception {
    LoopbackServer server = loopback("agent:\n  echo:\n    word_delay: 150ms\n");
    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    server.awaitConnection(-1, START);
    String words = "one two three four five six seven eight nine ten eleven twelve";
    server.send("bob", words);
    server.awaitText("bob", "one", Duration.ofSeconds(10));
    gw.signal("TERM");
    server.awaitText("bob", "Finishing your current reply first", Duration.ofSeconds(5));
    assertThat(gw.awaitExit(Duration.ofSeconds(15))).isZero();
    assertThat(server.texts("bob")).contains(words);
  }

  @Test
  void aSecondSigtermDuringTheDrainSkipsToInterrupting() throws Exception {
    LoopbackServer server = loopback("agent:\n  echo:\n    word_delay: 500ms\n");
    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    server.awaitConnection(-1, START);
    server.send("bob", "a b c d e f g h i j k l m n o p q r s t u v w x y z");
    server.awaitText("bob", "a", Duration.ofSeconds(10));
    gw.signal("TERM");
    gw.awaitState("draining", Duration.ofSeconds(5));
    long t0 = System.nanoTime();
    gw.signal("TERM");
    assertThat(gw.awaitExit(Duration.ofSeconds(10))).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    server.awaitText("bob", "Interrupted: Switchboard is shutting down", Duration.ofSeconds(2));
  }

  @Test
  void cliStatusStopAndRestartAgainstALiveGateway() throws Exception {
    Map<String, String> env = Map.of("SWITCHBOARD_HOME", home.toString());
    Result notYet = ChildGateway.cli(env, "status");
    assertThat(notYet.exitCode()).isEqualTo(3);
    assertThat(notYet.output())
        .contains("Switchboard is not running")
        .contains("never run with this home");
    assertThat(ChildGateway.cli(env, "stop").output()).contains("not running");

    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    Result status = ChildGateway.cli(env, "status");
    assertThat(status.exitCode()).isZero();
    assertThat(status.output())
        .contains("Switchboard is running (pid " + gw.pid() + ")")
        .contains("state:            running");
    Result json = ChildGateway.cli(env, "status", "--json");
    assertThat(json.output()).contains("\"running\" : true").contains("\"pid\" : " + gw.pid());

    Result restart = ChildGateway.cli(env, "restart", "--timeout", "60");
    assertThat(restart.exitCode()).as(restart.output()).isZero();
    assertThat(restart.output()).containsPattern("Restarted: pid \\d+ is running");
    assertThat(gw.awaitExit(Duration.ofSeconds(5))).isZero();
    long newPid = StateFile.read(home).orElseThrow().pid();
    assertThat(newPid).isNotEqualTo(gw.pid());

    Result stop = ChildGateway.cli(env, "stop");
    assertThat(stop.exitCode()).as(stop.output()).isZero();
    assertThat(ProcessHandle.of(newPid).map(ProcessHandle::isAlive).orElse(false))
        .isFalse();
    Result after = ChildGateway.cli(env, "status");
    assertThat(after.exitCode()).isEqualTo(3);
    assertThat(after.output()).contains("exit code:        0 (SIGTERM)");

    Result version = ChildGateway.cli(env, "version");
    assertThat(version.output()).startsWith("switchboard ");
  }

  @Test
  void statusShowsWhatTheStoreTakesOnDisk() throws Exception {
    Map<String, String> env = Map.of("SWITCHBOARD_HOME", home.toString());
    assertThat(ChildGateway.cli(env, "status").output())
        .contains("store:            0 bytes on disk");
    assertThat(ChildGateway.cli(env, "status", "--json").output()).contains("\"store_bytes\" : 0");

    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    assertThat(ChildGateway.cli(env, "status").output())
        .containsPattern("store:            \\d+(\\.\\d)? (KiB|MiB) on disk");
    assertThat(ChildGateway.cli(env, "status", "--json").output())
        .containsPattern("\"store_bytes\" : [1-9]\\d{3,}");
    gw.signal("TERM");
    assertThat(gw.awaitExit(Duration.ofSeconds(10))).isZero();

    config("store:\n  retention:\n    delivered: 10m\n");
    Result broken = ChildGateway.cli(env, "status", "--json");
    assertThat(broken.output()).contains("\"store_bytes\" : null");
    assertThat(ChildGateway.cli(env, "status").output())
        .contains("store:            size unknown: the configuration is invalid"
            + " (switchboard doctor says why)");
  }

  @Test
  void restartReportsASuccessorThatFailedToStart() throws Exception {
    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    config("gateway:\n  busy_policy: sometimes\n"); // broken while it runs
    Result restart =
        ChildGateway.cli(Map.of(), "restart", "--home", home.toString(), "--timeout", "60");
    assertThat(restart.exitCode()).isEqualTo(1);
    assertThat(restart.output())
        .contains("failed to start: configuration error:"
            + " gateway.busy_policy: expected one of interrupt, queue")
        .contains("Last log lines");
    assertThat(gw.awaitExit(Duration.ofSeconds(5))).isZero();
    GatewayState s = StateFile.read(home).orElseThrow();
    assertThat(s.state()).isEqualTo("startup_failed");
    assertThat(s.exitCode()).isEqualTo(78);
  }

  @Test
  void stopSaysSoWhenTheGatewayOutlastsItsTimeout() throws Exception {
    LoopbackServer server = loopback("agent:\n  echo:\n    word_delay: 1s\n");
    ChildGateway gw = start(Map.of());
    gw.awaitRunning();
    server.awaitConnection(-1, START);
    server.send("bob", "one two three four five six seven eight nine ten");
    server.awaitText("bob", "one", Duration.ofSeconds(10));
    Result stop = ChildGateway.cli(Map.of(), "stop", "--home", home.toString(), "--timeout", "1");
    assertThat(stop.exitCode()).isEqualTo(1);
    assertThat(stop.output())
        .contains("is still running after 1 s (state: draining)")
        .contains("Last log lines");
    assertThat(gw.awaitExit(Duration.ofSeconds(20))).isZero();
    assertThat(server.texts("bob")).contains("one two three four five six seven eight nine ten");
  }

  @Test
  void theCliDoesNotSignalALockHolderItCannotIdentify() throws Exception {
    Process holder = new ProcessBuilder(
            ChildGateway.java(),
            "-cp",
            ChildGateway.classPath(),
            LockHolderMain.class.getName(),
            "hold",
            home.toString())
        .redirectErrorStream(true)
        .start();
    try {
      String first = new java.io.BufferedReader(
              new java.io.InputStreamReader(holder.getInputStream()))
          .readLine();
      assertThat(first).startsWith("LOCKED");
      for (String command : List.of("stop", "restart")) {
        Result r = ChildGateway.cli(Map.of(), command, "--home", home.toString());
        assertThat(r.exitCode()).as(command).isEqualTo(1);
        assertThat(r.output())
            .contains("could not be identified as the gateway")
            .contains("not signalled");
      }
      assertThat(holder.isAlive()).isTrue();
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void restartWhenNothingRunsFailsClearly() throws Exception {
    Result r = ChildGateway.cli(Map.of(), "restart", "--home", home.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.output()).contains("not running").contains("switchboard run");
  }
}
