package dev.switchboard.reliability;

import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.service.ServiceInstaller;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.SystemdUserManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.awaitility.Awaitility;

/**
 * The restart cycles of reliability/README.md: the built gateway installed with {@code
 * switchboard install} into a real systemd user manager, then restarted again and again, each
 * way in turn ({@link RestartCycleKind}); after each, systemd must run a new main process that
 * reported ready, with {@code Result=success} and one more restart counted, never "failed"; the
 * chat that sent /restart hears "restarted" once, and the gateway answers a message.
 */
public final class RestartCycles {
  private static final String UNIT = ServiceInstaller.UNIT_NAME;
  private static final String BOT_TOKEN = "5151:AAH-restart-cycles-token_0123456789";
  private static final long ADMIN = 4_242_424;
  private static final String RESTARTED = "Gateway restarted";

  private final RestartCyclesSettings settings;
  private final Consumer<String> progress;
  private final Path home;
  private final FakeTelegramServer telegram;
  private final SystemdUserManager systemd;
  private final List<RestartCycle> cycles = new ArrayList<>();

  private RestartCycles(
      RestartCyclesSettings settings,
      Consumer<String> progress,
      FakeTelegramServer telegram,
      SystemdUserManager systemd) {
    this.settings = settings;
    this.progress = progress;
    this.home = settings.workDir().resolve("home");
    this.telegram = telegram;
    this.systemd = systemd;
  }

  public static RestartCyclesReport run(RestartCyclesSettings settings, Consumer<String> progress)
      throws Exception {
    Files.createDirectories(settings.workDir());
    String load = Machine.loadAverage();
    long started = System.nanoTime();
    try (FakeTelegramServer telegram = FakeTelegramServer.start(BOT_TOKEN, "cycles_bot");
        SystemdUserManager systemd = SystemdUserManager.start(settings.workDir())) {
      telegram.registerUser(ADMIN, "Ada", "Admin", "ada");
      RestartCycles run = new RestartCycles(settings, progress, telegram, systemd);
      String aborted = null;
      List<String> endProblems = new ArrayList<>();
      try {
        run.install();
        for (int i = 1; i <= settings.cycles(); i++) {
          RestartCycle c = run.cycle(i);
          run.cycles.add(c);
          if (i % 50 == 0 || !c.problems().isEmpty() || settings.cycles() <= 20) {
            progress.accept(String.format(
                Locale.ROOT,
                "cycle %d/%d (%s): pid %d -> %d, ready %.2f s after the ask%s",
                i,
                settings.cycles(),
                c.kind().label(),
                c.oldPid(),
                c.newPid(),
                c.askToReady(),
                c.problems().isEmpty() ? "" : "; " + String.join("; ", c.problems())));
          }
        }
        endProblems.addAll(run.finish());
      } catch (Exception | AssertionError e) {
        aborted = e.getClass().getSimpleName() + ": " + e.getMessage();
        progress.accept("aborted: " + aborted);
        run.stopQuietly();
      }
      return new RestartCyclesReport(
          settings,
          run.cycles,
          endProblems,
          aborted,
          Machine.describe(),
          load,
          Machine.loadAverage(),
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private void install() throws Exception {
    Files.createDirectories(home);
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    // The unit passes no environment of ours: the service reads everything from here.
    Files.writeString(
        home.resolve("switchboard.yaml"),
        "http:\n  port: " + port + "\n"
            + "platforms:\n  telegram:\n    bot_token: \"" + BOT_TOKEN + "\"\n"
            + "    api_base_url: " + telegram.baseUrl() + "\n"
            + "    admin_users: [\"" + ADMIN + "\"]\n",
        StandardCharsets.UTF_8);
    ChildGateway.Result installed = cli("install", "--home", home.toString());
    if (installed.exitCode() != 0) {
      throw new IllegalStateException(
          "switchboard install failed: " + installed.output() + "\n" + systemd.log());
    }
    progress.accept("installed: " + UNIT + " runs pid " + show("MainPID").get("MainPID"));
  }

  private RestartCycle cycle(int number) throws Exception {
    RestartCycleKind kind = RestartCycleKind.ofCycle(number - 1);
    Map<String, String> before = show("MainPID", "NRestarts");
    long oldPid = Long.parseLong(before.get("MainPID"));
    int restarts = Integer.parseInt(before.get("NRestarts"));
    int noticesBefore = notices().size();
    List<String> problems = new ArrayList<>();
    long asked = System.nanoTime() / 1000;
    Process cli = switch (kind) {
      case CLI -> start(cliCommand("restart", "--home", home.toString()));
      case SYSTEMCTL_KILL -> {
        ChildGateway.Result r = systemd.systemctl("kill", "-s", "USR1", UNIT);
        if (r.exitCode() != 0) {
          problems.add(
              "systemctl kill exited " + r.exitCode() + ": " + r.output().strip());
        }
        yield null;
      }
      case CHAT -> {
        telegram.privateMessage(ADMIN, "/restart");
        yield null;
      }
    };
    StateFileWatch.Outcome up = StateFileWatch.awaitRunning(
        home,
        pid -> pid != oldPid,
        () -> false,
        settings.cycleTimeout(),
        "a new gateway after cycle " + number);
    Map<String, String> after = awaitSystemdAgrees(oldPid, restarts + 1, problems);
    long newPid = Long.parseLong(after.get("MainPID"));
    if (cli != null) {
      String out = finish(cli);
      if (cli.exitValue() != 0 || !out.contains("Restarted: pid " + newPid + " is running")) {
        problems.add("switchboard restart exited " + cli.exitValue() + ": " + out.strip());
      }
    }
    if (kind.notifies()) {
      telegram.awaitMessage(
          ADMIN,
          m -> m.text().contains(RESTARTED) && notices().size() > noticesBefore,
          settings.cycleTimeout());
    }
    // The new process answers: a message sent now is echoed back.
    String ping = "ping after cycle " + number;
    telegram.privateMessage(ADMIN, ping);
    telegram.awaitMessage(ADMIN, m -> m.text().contains(ping), settings.cycleTimeout());
    int noticesNow = notices().size() - noticesBefore;
    int expected = kind.notifies() ? 1 : 0;
    if (noticesNow != expected) {
      problems.add("'" + RESTARTED + "' sent " + noticesNow + " times, expected " + expected);
    }
    if (!up.running()) {
      problems.add("the state file never said running");
    }
    return new RestartCycle(
        number,
        kind,
        oldPid,
        newPid,
        asked,
        Long.parseLong(after.get("ExecMainStartTimestampMonotonic")),
        Long.parseLong(after.get("ActiveEnterTimestampMonotonic")),
        problems);
  }

  /**
   * The state file says the new process runs, and it sent READY=1 before writing that; systemd
   * takes the notification in its own time, so it is asked until it agrees. A unit that is
   * "failed" at any look is a broken promise, recorded.
   */
  private Map<String, String> awaitSystemdAgrees(long oldPid, int restarts, List<String> problems) {
    Map<String, String> s = Awaitility.await()
        .atMost(settings.cycleTimeout())
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> show(
                "ActiveState",
                "SubState",
                "MainPID",
                "NRestarts",
                "Result",
                "ExecMainStartTimestampMonotonic",
                "ActiveEnterTimestampMonotonic"),
            now -> {
              if ("failed".equals(now.get("ActiveState"))) {
                problems.add("the unit was failed: " + now);
              }
              return "active".equals(now.get("ActiveState"))
                  && "running".equals(now.get("SubState"))
                  && !Long.toString(oldPid).equals(now.get("MainPID"))
                  && !"0".equals(now.get("MainPID"));
            });
    if (!Integer.toString(restarts).equals(s.get("NRestarts"))) {
      problems.add("NRestarts " + s.get("NRestarts") + ", expected " + restarts);
    }
    if (!"success".equals(s.get("Result"))) {
      problems.add("Result=" + s.get("Result"));
    }
    return s;
  }

  /** After the last cycle: a clean stop, and systemd's log without a failure. */
  private List<String> finish() throws Exception {
    List<String> problems = new ArrayList<>();
    ChildGateway.Result stopped = systemd.systemctl("stop", UNIT);
    Map<String, String> s = show("ActiveState", "Result", "NRestarts");
    if (stopped.exitCode() != 0
        || !"inactive".equals(s.get("ActiveState"))
        || !"success".equals(s.get("Result"))) {
      problems.add("systemctl stop: exit " + stopped.exitCode() + ", then " + s);
    }
    long requests = cycles.stream().filter(c -> c.kind().notifies()).count();
    if (notices().size() != requests) {
      problems.add(notices().size() + " '" + RESTARTED + "' messages for " + requests
          + " /restart requests");
    }
    systemd
        .log()
        .lines()
        .filter(l -> l.contains(UNIT) && (l.contains("Failed") || l.contains("failed")))
        .limit(5)
        .forEach(l -> problems.add("systemd: " + l.strip()));
    ChildGateway.Result removed = cli("uninstall");
    if (removed.exitCode() != 0) {
      problems.add("switchboard uninstall exited " + removed.exitCode());
    }
    return problems;
  }

  private void stopQuietly() {
    try {
      systemd.systemctl("stop", UNIT);
      cli("uninstall");
    } catch (Exception e) {
      progress.accept("could not stop the unit: " + e.getMessage());
    }
  }

  private List<BotMessage> notices() {
    return telegram.messages(ADMIN).stream()
        .filter(m -> m.text().contains(RESTARTED))
        .toList();
  }

  private Map<String, String> show(String... properties) throws Exception {
    return systemd.show(UNIT, properties);
  }

  /** The CLI as ./switchboard runs it: the launcher's JVM options and the jar. */
  private List<String> cliCommand(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(GatewayLaunch.currentJava().toString());
    cmd.addAll(settings.launcherOptions());
    cmd.addAll(
        List.of("--enable-native-access=ALL-UNNAMED", "-jar", settings.jar().toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Process start(List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = new HashMap<>(systemd.env());
    env.put("MALLOC_ARENA_MAX", "2");
    pb.environment().putAll(env);
    return pb.start();
  }

  private static String finish(Process p) throws Exception {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("the command did not finish: " + p.info());
    }
    return out;
  }

  private ChildGateway.Result cli(String... args) throws Exception {
    Process p = start(cliCommand(args));
    String out = finish(p);
    return new ChildGateway.Result(p.exitValue(), out);
  }
}
