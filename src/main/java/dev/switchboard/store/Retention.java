package dev.switchboard.store;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.Durations;
import dev.switchboard.config.ValueType;
import java.time.Duration;
import java.util.List;

/**
 * How long the store keeps what it no longer needs, whatever store it is: answered messages in
 * the journal and settled sends in the outbox, and transcript lines (the agent's memory of a
 * conversation), by age and by count per conversation.
 *
 * @param delivered age after which a message done with, and a send settled, are forgotten
 * @param transcripts age after which a transcript line is forgotten; zero keeps them forever
 * @param transcriptLines lines kept per conversation, the newest; zero for no limit
 * @param warnAboveBytes {@code switchboard doctor} warns when the store takes more on disk
 */
public record Retention(
    Duration delivered, Duration transcripts, int transcriptLines, long warnAboveBytes) {

  /**
   * The journal must remember a message as long as a platform may deliver it again. Telegram's
   * long polling never does once our saved offset is past it (saved after the journal), a
   * Telegram webhook or Slack's Events API retries a delivery we did not acknowledge within
   * minutes (Slack: after 1 and 5 minutes), and Discord replays missed events on a resume
   * within its session. A quarter of an hour is three times the longest of those.
   */
  private static final Duration AT_LEAST = Duration.ofMinutes(15);

  /** Passes come at least this often, and more often when what is kept is kept briefly. */
  private static final Duration PASS_AT_MOST_EVERY = Duration.ofHours(1);

  private static final Duration PASS_AT_LEAST_EVERY = Duration.ofMinutes(1);

  private static final Duration AT_MOST = Duration.ofDays(365);

  public static final ConfigKey<Duration> DELIVERED = ConfigKey.optional(
      "store.retention.delivered",
      "SWITCHBOARD_RETENTION_DELIVERED",
      ValueType.duration(AT_LEAST, AT_MOST),
      Duration.ofDays(7),
      "How long answered messages stay in the journal and settled sends in the outbox; what is"
          + " still pending, running or sending stays whatever its age.");

  public static final ConfigKey<Duration> TRANSCRIPTS = ConfigKey.optional(
      "store.retention.transcripts",
      "SWITCHBOARD_RETENTION_TRANSCRIPTS",
      ValueType.duration(Duration.ZERO, AT_MOST),
      Duration.ofDays(90),
      "How long a conversation's transcript lines are kept; 0 keeps them forever.");

  public static final ConfigKey<Integer> TRANSCRIPT_LINES = ConfigKey.optional(
      "store.retention.transcript_lines",
      "SWITCHBOARD_RETENTION_TRANSCRIPT_LINES",
      ValueType.integer(0, 10_000_000),
      0,
      "Transcript lines kept per conversation, the newest; 0 for no limit.");

  public static final ConfigKey<Integer> SIZE_WARNING_MB = ConfigKey.optional(
      "store.size_warning_mb",
      "SWITCHBOARD_STORE_SIZE_WARNING_MB",
      ValueType.integer(1, 10_000_000),
      1024,
      "switchboard doctor warns when the store takes more than this many MiB on disk.");

  /** The defaults of the settings above. */
  public static final Retention DEFAULTS =
      new Retention(Duration.ofDays(7), Duration.ofDays(90), 0, mebibytes(1024));

  public static List<ConfigKey<?>> configKeys() {
    return List.of(DELIVERED, TRANSCRIPTS, TRANSCRIPT_LINES, SIZE_WARNING_MB);
  }

  public static Retention from(Config config) {
    return new Retention(
        config.get(DELIVERED),
        config.get(TRANSCRIPTS),
        config.get(TRANSCRIPT_LINES),
        mebibytes(config.get(SIZE_WARNING_MB)));
  }

  private static long mebibytes(int n) {
    return n * 1024L * 1024L;
  }

  /**
   * How often a retention pass runs: a quarter of the shortest age kept, so the store holds at
   * most about 1.25 times that age's worth of rows; an hour at most (the defaults), a minute at
   * least.
   */
  public Duration passInterval() {
    Duration shortest =
        transcripts.isZero() || delivered.compareTo(transcripts) <= 0 ? delivered : transcripts;
    Duration quarter = shortest.dividedBy(4);
    if (quarter.compareTo(PASS_AT_LEAST_EVERY) < 0) {
      return PASS_AT_LEAST_EVERY;
    }
    return quarter.compareTo(PASS_AT_MOST_EVERY) > 0 ? PASS_AT_MOST_EVERY : quarter;
  }

  /**
   * For the operator: "delivered messages 7 days, transcripts 90 days, any number of lines per
   * conversation".
   */
  public String describe() {
    return "delivered messages " + days(delivered) + ", transcripts "
        + (transcripts.isZero() ? "forever" : days(transcripts)) + ", "
        + (transcriptLines == 0 ? "any number of" : "at most " + transcriptLines)
        + " lines per conversation";
  }

  private static String days(Duration d) {
    return d.toMillis() % Duration.ofDays(1).toMillis() == 0
        ? d.toDays() + (d.toDays() == 1 ? " day" : " days")
        : Durations.format(d);
  }
}
