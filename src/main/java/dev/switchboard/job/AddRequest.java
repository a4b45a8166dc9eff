package dev.switchboard.job;

import dev.switchboard.delivery.ProactiveSend;
import dev.switchboard.platform.ChatRef;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The words of {@code /cron add}: options, then a schedule, then the prompt. The schedule has
 * no end marker, so the longest run of leading words (five at most: a cron expression) that
 * reads as a schedule is taken, and the rest is the prompt.
 */
record AddRequest(ChatRef chat, JobSchedule schedule, String prompt, boolean shared) {
  private static final int LONGEST_SCHEDULE = 5;

  /**
   * @param from the chat the request was made in; null on the command line, which must name
   *     the chat with {@code --to}
   * @throws IllegalArgumentException with a message for the asker
   */
  static AddRequest parse(String text, @Nullable ChatRef from, ZoneId zone, Instant now) {
    String[] words = text.strip().isEmpty() ? new String[0] : text.strip().split("\\s+");
    int at = 0;
    boolean shared = false;
    ChatRef chat = from;
    while (at < words.length && words[at].startsWith("--")) {
      String option = words[at].toLowerCase(Locale.ROOT);
      switch (option) {
        case "--shared" -> {
          shared = true;
          at++;
        }
        case "--tz" -> {
          zone = zone(value(words, at, "--tz"));
          at += 2;
        }
        case "--to" -> {
          String target = value(words, at, "--to");
          chat = ProactiveSend.parse(target)
              .orElseThrow(() -> new IllegalArgumentException("--to " + target
                  + " is not platform:chat or platform:chat:thread (telegram:123456789)"));
          at += 2;
        }
        default ->
          throw new IllegalArgumentException("Unknown option " + words[at]
              + "; the options are --shared, --tz ZONE and (on the command line) --to TARGET.");
      }
    }
    if (chat == null) {
      throw new IllegalArgumentException(
          "Name the chat the job answers in with --to platform:chat[:thread].");
    }
    if (at >= words.length) {
      throw new IllegalArgumentException(
          "/cron add needs a schedule and a prompt.\n\n" + JobDesk.USAGE);
    }
    IllegalArgumentException why = null;
    for (int n = Math.min(LONGEST_SCHEDULE, words.length - at - 1); n >= 1; n--) {
      String candidate = String.join(" ", Arrays.copyOfRange(words, at, at + n));
      try {
        JobSchedule schedule = JobSchedule.parse(candidate, zone, now);
        String prompt = String.join(" ", Arrays.copyOfRange(words, at + n, words.length));
        return new AddRequest(chat, schedule, prompt, shared);
      } catch (ScheduleException e) {
        if (n == naturalLength(words, at)) {
          why = new IllegalArgumentException(e.getMessage(), e);
        }
      }
    }
    if (readsAsSchedule(String.join(" ", Arrays.copyOfRange(words, at, words.length)), zone, now)) {
      throw new IllegalArgumentException("/cron add needs a prompt after the schedule.");
    }
    throw why != null
        ? why
        : new IllegalArgumentException("Could not read a schedule at the start of '"
            + String.join(" ", words) + "'.\n\n" + JobDesk.USAGE);
  }

  private static boolean readsAsSchedule(String text, ZoneId zone, Instant now) {
    try {
      JobSchedule.parse(text, zone, now);
      return true;
    } catch (ScheduleException e) {
      return false;
    }
  }

  /** How many words the schedule would have, judging by its first: for the error to show. */
  private static int naturalLength(String[] words, int at) {
    String first = words[at].toLowerCase(Locale.ROOT);
    return switch (first) {
      case "every" -> at + 2 < words.length && words[at + 2].equalsIgnoreCase("at") ? 4 : 2;
      case "in" -> 2;
      case "at" -> 3;
      default -> LONGEST_SCHEDULE;
    };
  }

  private static String value(String[] words, int at, String option) {
    if (at + 1 >= words.length) {
      throw new IllegalArgumentException(option + " needs a value.");
    }
    return words[at + 1];
  }

  private static ZoneId zone(String name) {
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "--tz " + name + " is not a time zone; use a name such as Europe/Berlin or UTC.");
    }
  }
}
