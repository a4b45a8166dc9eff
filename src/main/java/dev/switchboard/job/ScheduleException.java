package dev.switchboard.job;

/**
 * A schedule that cannot be used, said to the user who typed it: the first line quotes the text
 * and says what is wrong with it, the second lists the forms that are accepted.
 */
public final class ScheduleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final String ACCEPTED = "Accepted: a 5-field cron expression (0 9 * * 1-5), every 30m"
      + " (or h, d), every day at 09:00, every monday at 09:00, every weekday at 09:00, in 20m,"
      + " at 2026-12-24 18:00.";

  /**
   * @param text what the user typed, trimmed
   * @param problem what is wrong, a phrase that follows the quoted text: "is in the past"
   */
  ScheduleException(String text, String problem) {
    super("Schedule \"" + text + "\" " + problem + ".\n" + ACCEPTED);
  }
}
