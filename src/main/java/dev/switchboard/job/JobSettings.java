package dev.switchboard.job;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import dev.switchboard.session.TurnSettings;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How scheduled jobs run.
 *
 * @param zone the time zone of schedules made without one of their own
 * @param grace a run that fell due while the gateway was down still runs at start if it is at
 *     most this late; later ones are skipped and the chat is told
 * @param makers besides admins, who may make and change jobs ({@code platform:id} entries, or
 *     bare ids for any platform)
 * @param maxJobs jobs the gateway keeps at most, so a loop in an agent's tool use or a script
 *     cannot fill the store
 */
public record JobSettings(ZoneId zone, Duration grace, List<String> makers, int maxJobs) {
  private static final Duration DEFAULT_GRACE = Duration.ofHours(1);
  private static final int DEFAULT_MAX_JOBS = 200;

  public static final ConfigKey<ZoneId> TIMEZONE = ConfigKey.optional(
      "gateway.timezone",
      "SWITCHBOARD_TIMEZONE",
      ZoneType.INSTANCE,
      null,
      "The time zone of scheduled jobs' times (an IANA name such as Europe/Berlin); unset, the"
          + " system's.");

  public static final ConfigKey<Duration> GRACE = ConfigKey.optional(
      "jobs.grace",
      "SWITCHBOARD_JOBS_GRACE",
      ValueType.duration(Duration.ZERO, Duration.ofDays(7)),
      DEFAULT_GRACE,
      "A job run that fell due while the gateway was down runs at start if at most this late;"
          + " later, it is skipped and its chat is told.");

  public static final ConfigKey<String> SILENT_REPLY = ConfigKey.optional(
      "jobs.silent_reply",
      "SWITCHBOARD_JOBS_SILENT_REPLY",
      ValueType.string(),
      TurnSettings.DEFAULT_SILENT_REPLY,
      "An answer to a job's (or a webhook's) turn that is exactly this sends nothing: the agent"
          + " found nothing worth saying.");

  public static final ConfigKey<List<String>> MAKERS = ConfigKey.optional(
      "jobs.makers",
      "SWITCHBOARD_JOBS_MAKERS",
      ValueType.stringList(),
      List.of(),
      "Besides admins, users who may make and change scheduled jobs: 'platform:id' entries, or"
          + " bare ids for any platform.");

  public static final ConfigKey<Integer> MAX_JOBS = ConfigKey.optional(
      "jobs.max_jobs",
      "SWITCHBOARD_JOBS_MAX_JOBS",
      ValueType.integer(1, 10_000),
      DEFAULT_MAX_JOBS,
      "Scheduled jobs the gateway keeps at most; /cron add refuses more.");

  public JobSettings {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(grace, "grace");
    makers = List.copyOf(makers);
  }

  public static List<ConfigKey<?>> configKeys() {
    return List.of(TIMEZONE, GRACE, SILENT_REPLY, MAKERS, MAX_JOBS);
  }

  public static JobSettings from(Config config) {
    @Nullable ZoneId zone = config.get(TIMEZONE);
    return new JobSettings(
        zone == null ? ZoneId.systemDefault() : zone,
        config.get(GRACE),
        config.get(MAKERS),
        config.get(MAX_JOBS));
  }

  public static JobSettings defaults() {
    return new JobSettings(ZoneId.systemDefault(), DEFAULT_GRACE, List.of(), DEFAULT_MAX_JOBS);
  }

  /** True when {@code user} on {@code platform} is one of {@link #makers}. */
  public boolean maker(String platform, String user) {
    return makers.contains(platform + ":" + user) || makers.contains(user);
  }
}
