package dev.switchboard.reliability;

import dev.switchboard.store.Retention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a soak runs; {@link #defaults} are the (an hour at 50 messages a second).
 *
 * @param jar the gateway's shaded jar (target/switchboard.jar)
 * @param workDir where the gateway's home, its console output and the samples go
 * @param duration how long the load lasts
 * @param rate messages a second in all, sent at a fixed rate whatever the gateway does (open
 *     loop: a gateway that falls behind builds a backlog, it does not slow the load down)
 * @param chats private chats the messages are spread over, in turn (1 to 999): with 200 at 50 a
 *     second each chat asks every 4 s, so its previous answer is normally done
 * @param modelLatency the model's wait before its first byte and between the pieces it streams
 * @param editInterval the gateway's shortest time between edits of a streamed answer
 *     (platforms.telegram.edit_interval)
 * @param sampleEvery how often the gateway's RSS, open files, threads and store are read
 * @param lateAfter an answer that takes longer counts as late (it still counts as answered)
 * @param drain after the load, how long the questions still owed get; unanswered then is lost
 * @param retentionDelivered store.retention.delivered (15 minutes at least)
 * @param transcriptLines store.retention.transcript_lines (0: no limit)
 * @param startTimeout the longest the start may take to reach "running"
 * @param rssTolerance RSS is flat when the last quarter's mean is at most this much (a
 *     fraction) above the second quarter's
 * @param fdBand open files are flat when they vary by at most this many over the second half
 * @param storeTolerance the store holds when its size over the last third stays within this
 *     fraction above its largest size by the end of the first retention age and pass
 * @param minRateFraction the answered rate must reach this fraction of {@code rate}
 * @param jvmOptions the gateway JVM's options (the launcher's by default)
 * @param label said in the report, e.g. the commit measured
 */
public record SoakSettings(
    Path jar,
    Path workDir,
    Duration duration,
    double rate,
    int chats,
    Duration modelLatency,
    Duration editInterval,
    Duration sampleEvery,
    Duration lateAfter,
    Duration drain,
    Duration retentionDelivered,
    int transcriptLines,
    Duration startTimeout,
    double rssTolerance,
    int fdBand,
    double storeTolerance,
    double minRateFraction,
    List<String> jvmOptions,
    String label) {

  public SoakSettings {
    if (!(rate > 0 && rate <= 1000)) {
      throw new IllegalArgumentException("rate: more than 0 and at most 1000, not " + rate);
    }
    if (chats < 1 || chats > 999) {
      throw new IllegalArgumentException("chats: 1 to 999, not " + chats);
    }
    if (transcriptLines < 0) {
      throw new IllegalArgumentException("transcript-lines: 0 or more, not " + transcriptLines);
    }
    if (retentionDelivered.compareTo(Duration.ofMinutes(15)) < 0) {
      throw new IllegalArgumentException(
          "retention-delivered: 15m at least (the gateway's floor), not " + retentionDelivered);
    }
    for (Duration d : List.of(duration, sampleEvery, lateAfter, startTimeout)) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("durations must be positive: " + d);
      }
    }
    for (Duration d : List.of(modelLatency, editInterval, drain)) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("durations cannot be negative: " + d);
      }
    }
    if (rate * duration.toMillis() / 1000.0 / chats > 99_990) {
      throw new IllegalArgumentException("more than 99999 questions a chat: the questions' ids"
          + " have five digits; use more chats");
    }
    jvmOptions = List.copyOf(jvmOptions);
  }

  public static SoakSettings defaults(Path jar, Path workDir) {
    return new SoakSettings(
        jar,
        workDir,
        Duration.ofHours(1),
        50,
        200,
        Duration.ofMillis(30),
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofSeconds(120),
        Duration.ofMinutes(15),
        100,
        Duration.ofSeconds(120),
        0.10,
        10,
        0.10,
        0.95,
        GatewayLaunch.LAUNCHER_JVM_OPTIONS,
        "");
  }

  /** How often the gateway runs a retention pass with these settings (as it computes it). */
  public Duration retentionPassInterval() {
    return new Retention(retentionDelivered, Retention.DEFAULTS.transcripts(), transcriptLines, 0)
        .passInterval();
  }

  /** A shorter run: {@code d} of load at {@code r} messages a second over {@code n} chats. */
  public SoakSettings withLoad(Duration d, double r, int n, Duration sampling) {
    return new SoakSettings(
        jar,
        workDir,
        d,
        r,
        n,
        modelLatency,
        editInterval,
        sampling,
        lateAfter,
        drain,
        retentionDelivered,
        transcriptLines,
        startTimeout,
        rssTolerance,
        fdBand,
        storeTolerance,
        minRateFraction,
        jvmOptions,
        label);
  }

  public SoakSettings withJvmOptions(List<String> options) {
    return new SoakSettings(
        jar,
        workDir,
        duration,
        rate,
        chats,
        modelLatency,
        editInterval,
        sampleEvery,
        lateAfter,
        drain,
        retentionDelivered,
        transcriptLines,
        startTimeout,
        rssTolerance,
        fdBand,
        storeTolerance,
        minRateFraction,
        options,
        label);
  }
}
