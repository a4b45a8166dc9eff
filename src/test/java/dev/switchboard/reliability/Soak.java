package dev.switchboard.reliability;

import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The soak: the real gateway (the built jar, started as ./switchboard starts it) under a steady
 * load for a long time, no faults: private chats of the fake Telegram Bot API ask questions at
 * a fixed rate in all, the OpenAI-compatible backend streams their answers from a fake model,
 * and every few seconds the gateway's resident memory, open files, threads and store size are
 * read from outside. The targets: every answer arrives, the rate is sustained, memory and open
 * files stay flat, and retention holds the store's size ({@link SoakTargets}).
 *
 * <p>The program is {@code reliability/run soak}; {@code SoakProcessIT} runs a short one. See
 * reliability/README.md for what is measured and how.
 */
public final class Soak {
  /** A token of Telegram's shape, used by no other test (the fake's locks are per token). */
  static final String TOKEN = "4242002:AAsoak-program-token_switchboard01234567";

  private static final long FIRST_USER = 9001;

  private final SoakSettings settings;
  private final Consumer<String> progress;

  private Soak(SoakSettings settings, Consumer<String> progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /** Runs a soak; {@code progress} hears a line per sample. */
  public static SoakReport run(SoakSettings settings, Consumer<String> progress) throws Exception {
    return new Soak(settings, progress).run(TOKEN);
  }

  /** As {@link #run(SoakSettings, Consumer)} with the bot token a test owns. */
  static SoakReport run(SoakSettings settings, Consumer<String> progress, String token)
      throws Exception {
    return new Soak(settings, progress).run(token);
  }

  private SoakReport run(String token) throws Exception {
    Instant startedAt = Instant.now();
    long t0 = System.nanoTime();
    Map<String, String> machine = Machine.describe();
    Path home = settings.workDir().resolve("home");
    Files.createDirectories(home);
    SoakLedger ledger = new SoakLedger(settings.lateAfter());
    List<SoakSample> samples = new ArrayList<>();
    try (FakeTelegramServer telegram =
            FakeTelegramServer.start(token, "soak_bot").keepLittle();
        SoakModel model = new SoakModel(settings.modelLatency())) {
      telegram.onBotMessage(
          (chat, messageId, text) -> ledger.botMessage(chat, text, System.nanoTime()));
      GatewayLaunch launch = new GatewayLaunch(
          GatewayLaunch.currentJava(),
          settings.jar(),
          settings.jvmOptions(),
          home,
          environment(telegram, model),
          settings.workDir().resolve("gateway-console.log"));
      Process gateway = launch.start(1);
      // A soak stopped with Ctrl-C, or a test JVM ended by its timeout, must not leave the
      // gateway running on its own.
      Thread killOnExit = Thread.ofPlatform().unstarted(gateway::destroyForcibly);
      Runtime.getRuntime().addShutdownHook(killOnExit);
      String aborted = null;
      Integer exitedDuringRun = null;
      int exitCode = -1;
      double loadSeconds = 0;
      try {
        StateFileWatch.Outcome up =
            StateFileWatch.awaitRunning(home, gateway, settings.startTimeout());
        if (!up.running()) {
          throw new IllegalStateException("the gateway ended during its start with exit code "
              + gateway.exitValue() + ":\n" + launch.consoleTail(30));
        }
        telegram.awaitLongPoll(settings.startTimeout());
        progress.accept("gateway pid " + gateway.pid() + " running; load: "
            + settings.rate() + " messages/s over " + settings.chats() + " chats for "
            + settings.duration());
        Load load = load(telegram, ledger, gateway, samples, home);
        loadSeconds = load.seconds;
        aborted = load.failure;
        if (!gateway.isAlive()) {
          exitedDuringRun = gateway.exitValue();
          aborted = "the gateway exited during the run with exit code " + exitedDuringRun + ":\n"
              + launch.consoleTail(30);
        } else {
          progress.accept(
              "load done; waiting up to " + settings.drain() + " for the answers still owed");
          ledger.awaitSettled(settings.drain());
        }
      } catch (IllegalStateException | AssertionError e) {
        aborted = e.getMessage();
      } finally {
        if (gateway.isAlive()) {
          progress.accept("stopping the gateway (SIGTERM)");
          gateway.destroy();
          if (gateway.waitFor(90, TimeUnit.SECONDS)) {
            exitCode = gateway.exitValue();
          } else {
            gateway.destroyForcibly();
            gateway.waitFor();
          }
        }
        try {
          Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
          // the JVM is already shutting down
        }
      }
      machine.put("load_average_at_end", Machine.loadAverage());
      SoakTargets targets = SoakTargets.of(
          samples,
          settings.duration().toMillis() / 1000.0,
          (settings.retentionDelivered().plus(settings.retentionPassInterval())).toMillis()
              / 1000.0,
          settings.rssTolerance(),
          settings.fdBand(),
          settings.storeTolerance());
      return new SoakReport(
          settings,
          machine,
          startedAt.toString(),
          (System.nanoTime() - t0) / 1e9,
          aborted,
          exitedDuringRun,
          exitCode,
          loadSeconds,
          ledger.counts(System.nanoTime()),
          ledger.answerTimes(),
          ledger.owedIds(10),
          model.requests(),
          model.historyFaults().size(),
          targets,
          List.copyOf(samples));
    }
  }

  /** How the load went: its length in seconds, and why it stopped early (or null). */
  private record Load(double seconds, String failure) {}

  /**
   * Sends the questions at the fixed rate for the run's duration while sampling the gateway;
   * returns early when the gateway exits or the load cannot go on.
   */
  private Load load(
      FakeTelegramServer telegram,
      SoakLedger ledger,
      Process gateway,
      List<SoakSample> samples,
      Path home)
      throws IOException, InterruptedException {
    long total = Math.round(settings.rate() * settings.duration().toMillis() / 1000.0);
    long period = Math.max(1, Math.round(1e9 / settings.rate()));
    CountDownLatch ended = new CountDownLatch(1);
    AtomicReference<String> failure = new AtomicReference<>();
    AtomicLong next = new AtomicLong();
    gateway.onExit().thenRun(ended::countDown);
    GatewaySampler sampler = new GatewaySampler(gateway.pid(), home);
    Path csv = settings.workDir().resolve("samples.csv");
    // Two threads, so that a slow read of the store never delays a question.
    ScheduledExecutorService asking = Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().name("soak load").daemon().unstarted(r));
    ScheduledExecutorService sampling = Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().name("soak sampler").daemon().unstarted(r));
    long start = System.nanoTime();
    try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      out.write(SoakSample.CSV_HEADER);
      out.newLine();
      asking.scheduleAtFixedRate(
          () -> {
            try {
              long n = next.getAndIncrement();
              if (n >= total) {
                ended.countDown();
                return;
              }
              ask(telegram, ledger, n);
            } catch (RuntimeException e) {
              failure.compareAndSet(null, "asking failed: " + e);
              ended.countDown();
            }
          },
          0,
          period,
          TimeUnit.NANOSECONDS);
      sampling.scheduleAtFixedRate(
          () -> {
            try {
              sample(sampler, ledger, telegram, samples, out, start);
            } catch (IOException | RuntimeException e) {
              failure.compareAndSet(null, "sampling failed: " + e);
              ended.countDown();
            }
          },
          0,
          settings.sampleEvery().toNanos(),
          TimeUnit.NANOSECONDS);
      ended.await();
      double seconds = (System.nanoTime() - start) / 1e9;
      // Not shutdownNow: an interrupted read of the store would look like a failed sample.
      asking.shutdown();
      sampling.shutdown();
      asking.awaitTermination(10, TimeUnit.SECONDS);
      sampling.awaitTermination(30, TimeUnit.SECONDS);
      if (gateway.isAlive()) {
        sample(sampler, ledger, telegram, samples, out, start); // the last one, at the end
      }
      return new Load(seconds, failure.get());
    } finally {
      asking.shutdownNow();
      sampling.shutdownNow();
    }
  }

  /**
   * Question {@code n} of the run: chats take turns, so each asks every chats/rate seconds.
   * Each chat's numbers start at a different offset (1 to 10): every tenth question has a long
   * answer, and with the same numbers all chats would ask their long ones in the same few
   * seconds, a burst every ten rounds instead of a steady load.
   */
  private void ask(FakeTelegramServer telegram, SoakLedger ledger, long n) {
    int chatIndex = (int) (n % settings.chats()) + 1;
    int number = (int) (n / settings.chats()) + 1 + (chatIndex - 1) % 10;
    long user = FIRST_USER + chatIndex - 1;
    String id = Answers.questionId(chatIndex, number);
    Object q = ledger.asking(user, id, System.nanoTime());
    ledger.sentAs(user, q, telegram.privateMessageReturningId(user, Answers.question(id)));
  }

  private void sample(
      GatewaySampler sampler,
      SoakLedger ledger,
      FakeTelegramServer telegram,
      List<SoakSample> samples,
      BufferedWriter out,
      long start)
      throws IOException {
    long now = System.nanoTime();
    double t = (now - start) / 1e9;
    SoakLedger.Counts counts = ledger.counts(now);
    SoakSample s = SoakSample.of(t, sampler.read(), counts, Machine.loadAverage());
    synchronized (samples) {
      samples.add(s);
    }
    out.write(s.csv());
    out.newLine();
    out.flush();
    progress.accept(s.progress(t > 0 ? counts.answered() / t : 0));
    // What the chats no longer need is forgotten, or the fake would hold every message.
    ledger.oldestNeeded().forEach(telegram::forgetMessagesBefore);
  }

  /** The gateway's configuration, all from the environment as a service manager would set it. */
  private Map<String, String> environment(FakeTelegramServer telegram, SoakModel model) {
    Map<String, String> env =
        SoakGatewayEnvironment.of("soak", telegram, model, settings.editInterval());
    env.put("SWITCHBOARD_RETENTION_DELIVERED", settings.retentionDelivered().toSeconds() + "s");
    env.put("SWITCHBOARD_RETENTION_TRANSCRIPT_LINES", Integer.toString(settings.transcriptLines()));
    return env;
  }
}
