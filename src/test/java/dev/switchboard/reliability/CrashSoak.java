package dev.switchboard.reliability;

import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The crash soak: the real gateway (the built jar) under a supervisor that restarts it on every
 * exit, killed with SIGKILL at random moments while chats talk to it through the fake Telegram
 * Bot API and it answers them with the OpenAI-compatible backend against a fake model. Each
 * chat asks a question, waits for the whole answer, then asks the next. At the end every
 * question's answer is read from the chat as it finally stands ({@link SoakVerdict}): the
 * targets are no answer lost and none shown twice without the "↻ Resent after a restart" mark.
 *
 * <p>The program is {@code reliability/run crash-soak}; {@code CrashSoakProcessIT} runs a short
 * one. See reliability/README.md for what is measured and how.
 */
public final class CrashSoak {
  /** A token of Telegram's shape (digits, a colon, 35 characters). */
  static final String TOKEN = "4242001:AAcrash-soak-token_switchboard0123456";

  private static final long FIRST_USER = 7001;
  private static final int CASES_PER_KIND = 10;
  private static final int LOG_LINES_PER_CASE = 20;

  private final CrashSoakSettings settings;
  private final Consumer<String> progress;
  private final SplittableRandom random;
  private final List<Double> cycleSeconds = new ArrayList<>();
  private final List<Double> killToRunningSeconds = new ArrayList<>();
  private int kills;
  private int killsDuringStart;

  private CrashSoak(CrashSoakSettings settings, Consumer<String> progress) {
    this.settings = settings;
    this.progress = progress;
    this.random = new SplittableRandom(settings.seed());
  }

  /** Runs a soak; {@code progress} hears a line per kill. */
  public static CrashSoakReport run(CrashSoakSettings settings, Consumer<String> progress)
      throws Exception {
    return new CrashSoak(settings, progress).run();
  }

  private CrashSoakReport run() throws Exception {
    Instant startedAt = Instant.now();
    long t0 = System.nanoTime();
    Map<String, String> machine = Machine.describe();
    Path home = settings.workDir().resolve("home");
    Files.createDirectories(home);
    try (FakeTelegramServer telegram = FakeTelegramServer.start(TOKEN, "crash_soak_bot");
        SoakModel model = new SoakModel(settings.modelLatency())) {
      GatewayLaunch launch = new GatewayLaunch(
          GatewayLaunch.currentJava(),
          settings.jar(),
          settings.jvmOptions(),
          home,
          environment(telegram, model),
          settings.workDir().resolve("gateway-console.log"));
      List<SoakChat> chats = new ArrayList<>();
      List<Thread> chatThreads = new ArrayList<>();
      AtomicBoolean asking = new AtomicBoolean(true);
      String aborted = null;
      int exitCode = -1;
      List<RestartAlwaysSupervisor.Exit> exits;
      int starts;
      try (RestartAlwaysSupervisor supervisor = new RestartAlwaysSupervisor(launch)) {
        long lastRunningAt = 0;
        try {
          RestartAlwaysSupervisor.Child first = supervisor.current();
          StateFileWatch.Outcome up =
              StateFileWatch.awaitRunning(home, first.process(), settings.startTimeout());
          if (!up.running()) {
            throw new IllegalStateException("the first start ended with exit code "
                + first.process().exitValue() + ":\n" + launch.consoleTail(30));
          }
          telegram.awaitLongPoll(settings.startTimeout());
          for (int i = 1; i <= settings.chats(); i++) {
            SoakChat chat =
                new SoakChat(i, FIRST_USER + i - 1, telegram, settings.answerWait(), asking::get);
            chats.add(chat);
            chatThreads.add(Thread.ofVirtual().name("chat " + i).start(chat));
          }
          lastRunningAt = killAtRandom(supervisor, home, first, up.atNanos(), chats);
        } catch (IllegalStateException e) {
          aborted = e.getMessage();
        }
        asking.set(false);
        long settleUntil = (lastRunningAt == 0 ? System.nanoTime() : lastRunningAt)
            + settings.settle().toNanos();
        settle(chats, chatThreads, settleUntil);
        exits = supervisor.exits();
        starts = supervisor.starts();
        progress.accept("stopping the gateway (SIGTERM)");
        exitCode = supervisor.stop(Duration.ofSeconds(90));
      }
      machine.put("load_average_at_end", Machine.loadAverage());
      SoakVerdict verdict = new SoakVerdict();
      for (SoakChat chat : chats) {
        verdict.add(chat.asked(), telegram.messages(chat.userId()));
      }
      List<CrashSoakReport.Case> cases = cases(verdict, home, launch.console());
      List<Integer> unexpected = exits.stream()
          .map(RestartAlwaysSupervisor.Exit::code)
          .limit(Math.max(0, exits.size() - 1)) // the last one is the SIGTERM at the end
          .filter(code -> code != 137)
          .toList();
      List<Double> answerSeconds = new ArrayList<>();
      int overdue = 0;
      for (SoakChat chat : chats) {
        for (Question q : chat.asked()) {
          if (q.answerNanos() >= 0) {
            answerSeconds.add(q.answerNanos() / 1e9);
          }
          if (q.overdue()) {
            overdue++;
          }
        }
      }
      return new CrashSoakReport(
          settings,
          machine,
          startedAt.toString(),
          (System.nanoTime() - t0) / 1e9,
          aborted,
          kills,
          killsDuringStart,
          starts - 1,
          unexpected,
          exitCode,
          verdict.questions,
          verdict.answeredCompletely,
          verdict.lost,
          verdict.unmarkedDuplicates,
          verdict.partsTwiceUnmarked,
          verdict.resentMessages,
          verdict.resentBesideAnUnmarkedCopy,
          verdict.cutOffPreviews,
          verdict.stalePreviews,
          verdict.garbledLines,
          verdict.otherMessages,
          overdue,
          Stats.of(answerSeconds),
          Stats.of(cycleSeconds),
          Stats.of(killToRunningSeconds),
          model.requests(),
          model.historyFaults(),
          model.requestsWithHistoryFaults(),
          cases);
    }
  }

  /** The gateway's configuration, all from the environment as a service manager would set it. */
  private Map<String, String> environment(FakeTelegramServer telegram, SoakModel model) {
    Map<String, String> env =
        SoakGatewayEnvironment.of("crash-soak", telegram, model, settings.editInterval());
    // Hundreds of kills in minutes are a crash loop the breaker would slow down on purpose.
    env.put("SWITCHBOARD_RESPAWN_DELAY", "0s");
    return env;
  }

  /**
   * The kills: each at a random moment of the gateway's life, most after it said it was running
   * (uniformly within {@code maxUptime}), some during its start. Returns when the gateway
   * started after the last kill said it was running.
   */
  private long killAtRandom(
      RestartAlwaysSupervisor supervisor,
      Path home,
      RestartAlwaysSupervisor.Child first,
      long firstRunningAt,
      List<SoakChat> chats)
      throws IOException, InterruptedException {
    RestartAlwaysSupervisor.Child current = first;
    long runningAt = firstRunningAt;
    long lastStartNanos = firstRunningAt - first.startedAtNanos();
    long lastKillAt = -1;
    int unexpectedInARow = 0;
    while (kills < settings.kills()) {
      boolean atStart = runningAt < 0 && random.nextDouble() < settings.startKillFraction();
      if (atStart) {
        pauseUntil(current.startedAtNanos() + (long) (random.nextDouble() * lastStartNanos));
      } else {
        if (runningAt < 0) {
          StateFileWatch.Outcome up =
              StateFileWatch.awaitRunning(home, current.process(), settings.startTimeout());
          if (up.running()) {
            runningAt = up.atNanos();
            lastStartNanos = runningAt - current.startedAtNanos();
            if (lastKillAt >= 0) {
              killToRunningSeconds.add((runningAt - lastKillAt) / 1e9);
            }
          }
        }
        if (runningAt >= 0) {
          pauseUntil(
              runningAt + (long) (random.nextDouble() * settings.maxUptime().toNanos()));
        }
      }
      if (current.process().isAlive()) {
        current.process().destroyForcibly(); // SIGKILL
        current.process().waitFor();
        long now = System.nanoTime();
        kills++;
        if (runningAt < 0) {
          killsDuringStart++;
        }
        if (lastKillAt >= 0) {
          cycleSeconds.add((now - lastKillAt) / 1e9);
        }
        lastKillAt = now;
        unexpectedInARow = 0;
        progress.accept(String.format(
            Locale.ROOT,
            "kill %d/%d: pid %d %s; %d questions asked so far",
            kills,
            settings.kills(),
            current.pid(),
            runningAt < 0
                ? String.format(
                    Locale.ROOT, "%.2f s into its start", (now - current.startedAtNanos()) / 1e9)
                : String.format(
                    Locale.ROOT, "%.2f s after it said running", (now - runningAt) / 1e9),
            chats.stream().mapToInt(c -> c.asked().size()).sum()));
      } else if (++unexpectedInARow > 10) {
        throw new IllegalStateException("the gateway ended on its own 10 times in a row; the"
            + " last exit code: " + current.process().exitValue());
      }
      current = supervisor.awaitNext(current, settings.startTimeout());
      runningAt = -1;
    }
    StateFileWatch.Outcome up =
        StateFileWatch.awaitRunning(home, current.process(), settings.startTimeout());
    if (!up.running()) {
      throw new IllegalStateException("the gateway started after the last kill ended with exit"
          + " code " + current.process().exitValue());
    }
    if (lastKillAt >= 0) {
      killToRunningSeconds.add((up.atNanos() - lastKillAt) / 1e9);
    }
    return up.atNanos();
  }

  /** Waits for the moment a kill was planned for: the point is the moment, not a condition. */
  private static void pauseUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  /**
   * After the last restart: the chats ask nothing more; every question still without its whole
   * answer gets until {@code until}.
   */
  private void settle(List<SoakChat> chats, List<Thread> threads, long until)
      throws InterruptedException {
    progress.accept("settling: waiting for the answers still owed");
    for (Thread t : threads) {
      long left = until - System.nanoTime();
      if (left > 0) {
        t.join(Duration.ofNanos(left));
      }
      t.interrupt();
      t.join();
    }
    for (SoakChat chat : chats) {
      for (Question q : chat.asked()) {
        if (q.answerNanos() < 0) {
          long left = Math.max(0, until - System.nanoTime());
          if (chat.awaitAnswer(q, Duration.ofNanos(left))) {
            q.answered(System.nanoTime());
          }
        }
      }
    }
  }

  /** The first findings of each kind, with what the store and the log say about them. */
  private static List<CrashSoakReport.Case> cases(SoakVerdict verdict, Path home, Path console)
      throws Exception {
    Map<String, Integer> perKind = new HashMap<>();
    List<SoakVerdict.Finding> picked = new ArrayList<>();
    for (SoakVerdict.Finding f : verdict.findings) {
      if (perKind.merge(f.kind(), 1, Integer::sum) <= CASES_PER_KIND) {
        picked.add(f);
      }
    }
    if (picked.isEmpty()) {
      return List.of();
    }
    Map<String, List<String>> log =
        logLines(console, picked.stream().map(f -> f.question().inboundKey()).toList());
    List<CrashSoakReport.Case> cases = new ArrayList<>();
    Path db = home.resolve("switchboard.db");
    try (StoreRows rows = new StoreRows(db)) {
      for (SoakVerdict.Finding f : picked) {
        Question q = f.question();
        cases.add(new CrashSoakReport.Case(
            f.kind(),
            q.id(),
            q.inboundKey(),
            f.after().stream().limit(8).map(SoakVerdict::describe).toList(),
            rows.journal(q.chat(), q.messageId()),
            rows.outbox(q.inboundKey()),
            log.getOrDefault(q.inboundKey(), List.of())));
      }
    }
    return cases;
  }

  /** The console lines naming each key (the key followed by a non-digit), up to a bound each. */
  private static Map<String, List<String>> logLines(Path console, List<String> keys)
      throws IOException {
    Map<String, List<String>> found = new LinkedHashMap<>();
    keys.forEach(k -> found.put(k, new ArrayList<>()));
    String lastStart = "";
    try (BufferedReader r = Files.newBufferedReader(console, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("=== start ")) {
          lastStart = line;
        }
        for (String key : keys) {
          int at = line.indexOf(key);
          boolean whole = at >= 0
              && (at + key.length() == line.length()
                  || !Character.isDigit(line.charAt(at + key.length())));
          List<String> lines = found.get(key);
          if (whole && lines.size() < LOG_LINES_PER_CASE) {
            if (lines.isEmpty() || !lines.contains(lastStart)) {
              lines.add(lastStart);
            }
            lines.add(line);
          }
        }
      }
    }
    return found;
  }
}
