package dev.switchboard.lifecycle;

import dev.switchboard.common.AtomicFiles;
import dev.switchboard.common.Json;
import dev.switchboard.config.Config;
import dev.switchboard.config.CoreKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * Keeps a crash loop from hammering the platforms' APIs: every start that follows an unplanned
 * end (a crash, a kill, a failed start) is written to {@code respawn.json}; past
 * {@code respawn_limit} of them within {@code respawn_window}, the start holds back before
 * connecting, {@code respawn_delay} doubled for every further start, up to 5 minutes. A
 * planned end (a stop, a restart) clears the history: the loop is over.
 *
 * <p>The supervisor keeps restarting us as fast as it likes; what is slowed is only what the
 * platforms see (a Telegram bot that logs in 30 times a minute gets rate limited or flagged).
 */
final class RespawnBreaker {
  static final String NAME = "respawn.json";
  static final Duration MAX_DELAY = Duration.ofMinutes(5);
  private static final Logger log = LoggerFactory.getLogger(RespawnBreaker.class);

  record Settings(int limit, Duration window, Duration delay) {
    static Settings from(Config config) {
      return new Settings(
          config.get(CoreKeys.RESPAWN_LIMIT),
          config.get(CoreKeys.RESPAWN_WINDOW),
          config.get(CoreKeys.RESPAWN_DELAY));
    }
  }

  record History(List<Instant> unplannedStarts) {
    History {
      unplannedStarts = unplannedStarts == null
          ? List.of()
          : unplannedStarts.stream().filter(Objects::nonNull).toList();
    }
  }

  private RespawnBreaker() {}

  /**
   * Records this start and returns the hold-back it gets, if any.
   *
   * @param previous the state file as the previous process left it, read before this process
   *     wrote its own
   */
  static Optional<GatewayState.CrashLoop> onStart(
      Path home, Optional<GatewayState> previous, Settings settings, Instant now) {
    Path file = home.resolve(NAME);
    Optional<String> unplanned = previous.flatMap(RespawnBreaker::unplannedEnd);
    List<Instant> starts = new ArrayList<>();
    if (unplanned.isPresent()) {
      Instant since = now.minus(settings.window());
      List<Instant> recorded = load(file).unplannedStarts();
      // A start recorded after now means the wall clock was set back since: how long ago it
      // was is unknown, and kept it would count as recent for as long as the clock was moved.
      long ahead = recorded.stream().filter(t -> t.isAfter(now)).count();
      if (ahead > 0) {
        log.warn(
            "the wall clock was set back: {} recorded start(s) lie after now ({}) and no longer"
                + " count towards the crash-loop limit",
            ahead,
            now);
      }
      recorded.stream().filter(t -> t.isAfter(since) && !t.isAfter(now)).forEach(starts::add);
      starts.add(now);
    }
    try {
      AtomicFiles.write(file, Json.mapper().writeValueAsBytes(new History(starts)));
    } catch (IOException | JacksonException e) {
      log.warn("cannot record this start in {}: {}", file, e.getMessage());
    }
    int over = starts.size() - settings.limit();
    if (over <= 0 || settings.delay().isZero()) {
      return Optional.empty();
    }
    Duration delay = settings.delay().multipliedBy(1L << Math.min(over - 1, 20));
    if (delay.compareTo(MAX_DELAY) > 0) {
      delay = MAX_DELAY;
    }
    return Optional.of(new GatewayState.CrashLoop(
        starts.size(),
        settings.window().toSeconds(),
        delay.toSeconds(),
        now.plus(delay),
        unplanned.get()));
  }

  /** How the previous process ended, when that end was not planned; empty when it was. */
  static Optional<String> unplannedEnd(GatewayState last) {
    if (last.claimsAlive()) {
      return Optional.of("pid " + last.pid() + " died while " + last.state()
          + " without recording why (killed, out of memory, power loss)");
    }
    if (GatewayState.STARTUP_FAILED.equals(last.state())) {
      return Optional.of("pid " + last.pid() + " failed to start: " + last.exitReason());
    }
    Integer code = last.exitCode();
    if (code != null && code != ExitCodes.STOPPED && code != ExitCodes.RESTART) {
      return Optional.of("pid " + last.pid() + " exited with " + code + ": " + last.exitReason());
    }
    return Optional.empty();
  }

  private static History load(Path file) {
    try {
      History h = Json.mapper().readValue(Files.readAllBytes(file), History.class);
      return h == null ? new History(List.of()) : h;
    } catch (NoSuchFileException e) {
      return new History(List.of());
    } catch (IOException | JacksonException e) {
      log.warn("ignoring unreadable {}: {}", file, e.getMessage());
      return new History(List.of());
    }
  }
}
