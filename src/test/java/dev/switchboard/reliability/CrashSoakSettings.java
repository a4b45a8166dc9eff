package dev.switchboard.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a crash soak runs; {@link #defaults} are the (200 kills, 20 chats, a model with 30
 * ms latency).
 *
 * @param jar the gateway's shaded jar (target/switchboard.jar)
 * @param workDir where the gateway's home, its console output and the report go
 * @param kills how many times the gateway is killed with SIGKILL
 * @param chats private chats asking questions at once, each waiting for its answer (1 to 99)
 * @param modelLatency the model's wait before its first byte and between the pieces it streams
 * @param editInterval the gateway's shortest time between edits of a streamed answer
 *     (platforms.telegram.edit_interval): short, so that answers show previews and edits
 * @param maxUptime a kill comes at a uniformly random moment this long at most after the
 *     gateway said it was running
 * @param startKillFraction the share of kills aimed at the start instead (a random moment
 *     before the previous start's time to running had passed)
 * @param answerWait how long a chat waits for an answer before it asks its next question: long
 *     (10 min), since a gateway killed every few seconds answers slower than impatient chats
 *     ask, and their questions would pile up in its queue faster than it works them off
 * @param settle after the last restart, how long the unanswered questions get; an answer not
 *     complete by then is lost
 * @param startTimeout the longest a start may take to reach "running" before the soak gives up
 * @param seed the seed of the kill moments
 * @param jvmOptions the gateway JVM's options (the launcher's by default)
 * @param label said in the report, e.g. the commit measured
 */
public record CrashSoakSettings(
    Path jar,
    Path workDir,
    int kills,
    int chats,
    Duration modelLatency,
    Duration editInterval,
    Duration maxUptime,
    double startKillFraction,
    Duration answerWait,
    Duration settle,
    Duration startTimeout,
    long seed,
    List<String> jvmOptions,
    String label) {

  public CrashSoakSettings {
    if (kills < 0) {
      throw new IllegalArgumentException("kills: 0 or more, not " + kills);
    }
    if (chats < 1 || chats > 99) {
      throw new IllegalArgumentException("chats: 1 to 99, not " + chats);
    }
    if (!(startKillFraction >= 0 && startKillFraction <= 1)) {
      throw new IllegalArgumentException("start-kill-fraction: 0 to 1, not " + startKillFraction);
    }
    for (Duration d :
        List.of(modelLatency, editInterval, maxUptime, answerWait, settle, startTimeout)) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("durations cannot be negative: " + d);
      }
    }
    jvmOptions = List.copyOf(jvmOptions);
  }

  public static CrashSoakSettings defaults(Path jar, Path workDir) {
    return new CrashSoakSettings(
        jar,
        workDir,
        200,
        20,
        Duration.ofMillis(30),
        Duration.ofMillis(300),
        Duration.ofSeconds(4),
        0.1,
        Duration.ofSeconds(600),
        Duration.ofSeconds(120),
        Duration.ofSeconds(120),
        System.nanoTime(),
        GatewayLaunch.LAUNCHER_JVM_OPTIONS,
        "");
  }

  public CrashSoakSettings withKills(int n) {
    return new CrashSoakSettings(
        jar,
        workDir,
        n,
        chats,
        modelLatency,
        editInterval,
        maxUptime,
        startKillFraction,
        answerWait,
        settle,
        startTimeout,
        seed,
        jvmOptions,
        label);
  }

  public CrashSoakSettings withChats(int n) {
    return new CrashSoakSettings(
        jar,
        workDir,
        kills,
        n,
        modelLatency,
        editInterval,
        maxUptime,
        startKillFraction,
        answerWait,
        settle,
        startTimeout,
        seed,
        jvmOptions,
        label);
  }

  public CrashSoakSettings withMaxUptime(Duration d) {
    return new CrashSoakSettings(
        jar,
        workDir,
        kills,
        chats,
        modelLatency,
        editInterval,
        d,
        startKillFraction,
        answerWait,
        settle,
        startTimeout,
        seed,
        jvmOptions,
        label);
  }
}
