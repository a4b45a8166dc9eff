package dev.switchboard.job;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.store.Jobs;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests about scheduled jobs, from a chat ({@code /cron …}) or the command line ({@code
 * switchboard cron …}, through the admin API): the same words, the same answers. Changes are
 * made while no scheduler pass runs, then the scheduler is woken.
 */
public final class JobDesk {
  private static final Logger log = LoggerFactory.getLogger(JobDesk.class);
  /** A prompt is one message's worth; a briefing's instructions fit easily. */
  static final int MAX_PROMPT_CHARS = 4000;

  static final String USAGE = """
      Scheduled jobs:
      /cron add <schedule> <prompt> — the schedule is a cron expression (5 fields, such as \
      0 9 * * 1-5), every 2h, every day at 9:00, every monday at 8:30, in 20m or \
      at 2026-12-24 18:00. Options before the schedule: --shared (the run talks in this \
      chat's conversation instead of one of its own), --tz Europe/Berlin.
      /cron list
      /cron pause|resume|remove|run <id>""";

  /**
   * Who asks.
   *
   * @param chat where the request was made; null from the command line, where {@code add}
   *     names its chat with {@code --to}
   * @param who "platform:user", recorded as the job's maker
   * @param mayChange an admin or one of {@code jobs.makers}
   */
  public record Asker(@Nullable ChatRef chat, String who, boolean mayChange) {}

  /**
   * What to answer.
   *
   * @param done false when the request was refused or could not be read
   */
  public record Answer(boolean done, String text) {
    static Answer done(String text) {
      return new Answer(true, text);
    }

    static Answer refused(String text) {
      return new Answer(false, text);
    }
  }

  private final Jobs jobs;
  private final JobScheduler scheduler;
  private final JobSettings settings;
  private final Clock clock;
  private final Predicate<String> enabledPlatform;

  /**
   * The desk over {@code jobs}.
   *
   * @param enabledPlatform whether a platform of that name is enabled and can take a job's
   *     answers
   */
  public JobDesk(
      Jobs jobs,
      JobScheduler scheduler,
      JobSettings settings,
      Clock clock,
      Predicate<String> enabledPlatform) {
    this.jobs = jobs;
    this.scheduler = scheduler;
    this.settings = settings;
    this.clock = clock;
    this.enabledPlatform = enabledPlatform;
  }

  /** Whether {@code user} on {@code platform} may change jobs besides admins. */
  public boolean maker(String platform, String user) {
    return settings.maker(platform, user);
  }

  /** Answers one request: {@code arguments} are the words after {@code /cron}. */
  public Answer handle(Asker asker, String arguments) throws InterruptedException {
    String args = arguments.strip();
    int space = indexOfSpace(args);
    String verb = (space < 0 ? args : args.substring(0, space)).toLowerCase(Locale.ROOT);
    String rest = space < 0 ? "" : args.substring(space).strip();
    if (verb.isEmpty() || verb.equals("help")) {
      return Answer.done(USAGE);
    }
    if (verb.equals("list")) {
      return list(asker);
    }
    if (!List.of("add", "pause", "resume", "remove", "run").contains(verb)) {
      return Answer.refused("Unknown /cron request '" + verb + "'.\n\n" + USAGE);
    }
    if (!asker.mayChange()) {
      return Answer.refused(
          "\ud83d\udd12 Only admins (and users listed in jobs.makers) may make or change"
              + " scheduled jobs.");
    }
    if (verb.equals("add")) {
      return add(asker, rest);
    }
    Optional<Jobs.Job> job = job(rest);
    if (job.isEmpty()) {
      return Answer.refused(
          rest.isEmpty()
              ? "/cron " + verb + " needs a job's number; /cron list shows them."
              : "There is no job " + rest + "; /cron list shows the jobs.");
    }
    return switch (verb) {
      case "pause" -> pause(job.get());
      case "resume" -> resume(job.get());
      case "remove" -> remove(job.get());
      default -> runNow(job.get());
    };
  }

  private Answer list(Asker asker) {
    List<Jobs.Job> shown = new ArrayList<>();
    for (Jobs.Job j : jobs.all()) {
      if (asker.chat() == null || sameChat(j.chat(), asker.chat())) {
        shown.add(j);
      }
    }
    if (shown.isEmpty()) {
      return Answer.done(
          asker.chat() == null
              ? "No scheduled jobs."
              : "No scheduled jobs in this chat. /cron add makes one.");
    }
    StringBuilder out = new StringBuilder(asker.chat() == null ? "Jobs:" : "Jobs in this chat:");
    for (Jobs.Job j : shown) {
      out.append("\n\n").append(line(j, asker.chat() == null));
    }
    return Answer.done(out.toString());
  }

  private static boolean sameChat(ChatRef a, ChatRef b) {
    return a.platform().equals(b.platform()) && a.chatId().equals(b.chatId());
  }

  private String line(Jobs.Job j, boolean withChat) {
    ZoneId zone = ZoneId.of(j.zone());
    String schedule;
    try {
      schedule = Schedules.stored(j).describe();
    } catch (RuntimeException e) {
      schedule = j.schedule() + " (" + j.zone() + ")";
    }
    Instant next = j.nextRun();
    String state = j.paused()
        ? "paused"
        : next == null ? "done (a one-shot that ran)" : "next " + When.of(next, zone);
    String last =
        j.lastRun() == null ? "" : "; last " + When.of(j.lastRun(), zone) + ": " + j.lastOutcome();
    return "#" + j.id() + " " + schedule + " \u2014 " + state + last
        + (withChat ? "\n   to " + target(j.chat()) : "")
        + (j.sharedConversation() ? "\n   in the chat's conversation" : "")
        + "\n   " + shorten(j.prompt());
  }

  private static String target(ChatRef chat) {
    return chat.platform() + ":" + chat.chatId()
        + (chat.threadId() == null ? "" : ":" + chat.threadId());
  }

  private static String shorten(String prompt) {
    String one = prompt.replace('\n', ' ');
    return one.length() <= 120 ? one : one.substring(0, 119) + "\u2026";
  }

  private Answer add(Asker asker, String rest) {
    AddRequest request;
    try {
      request = AddRequest.parse(rest, asker.chat(), settings.zone(), clock.instant());
    } catch (IllegalArgumentException e) {
      return Answer.refused("\u26a0\ufe0f " + e.getMessage());
    }
    if (!enabledPlatform.test(request.chat().platform())) {
      return Answer.refused("\u26a0\ufe0f No platform named '" + request.chat().platform()
          + "' that can take a job's answers is enabled on this gateway (the API server"
          + " answers only its requests).");
    }
    if (request.prompt().length() > MAX_PROMPT_CHARS) {
      return Answer.refused("\u26a0\ufe0f The prompt has " + request.prompt().length()
          + " characters; at most " + MAX_PROMPT_CHARS + " fit.");
    }
    Optional<Instant> first = request.schedule().nextAfter(clock.instant());
    if (first.isEmpty()) {
      return Answer.refused("\u26a0\ufe0f That schedule never falls due after now.");
    }
    Jobs.Job job = scheduler.change(() -> {
      if (jobs.all().size() >= settings.maxJobs()) {
        return null;
      }
      return jobs.add(new Jobs.NewJob(
          request.chat(),
          request.schedule().text(),
          request.schedule().zone().getId(),
          request.prompt(),
          request.shared(),
          first.get(),
          asker.who()));
    });
    if (job == null) {
      return Answer.refused("\u26a0\ufe0f There are " + settings.maxJobs()
          + " jobs already (jobs.max_jobs);" + " remove one first.");
    }
    log.info(
        "job {} added by {} for {}: {} ({})",
        job.id(),
        asker.who(),
        job.chat(),
        job.schedule(),
        job.zone());
    return Answer.done(
        "\u23f0 Job " + job.id() + " added: " + request.schedule().describe() + ". "
            + (request.schedule().recurring() ? "Next run: " : "It runs ")
            + When.of(first.get(), request.schedule().zone()) + ". "
            + (request.shared()
                ? "It talks in the chat's conversation"
                : "It has a conversation of its own")
            + (asker.chat() != null && sameChat(asker.chat(), request.chat())
                ? " and answers here."
                : " and answers in " + target(request.chat()) + "."));
  }

  private Answer pause(Jobs.Job job) {
    if (job.paused()) {
      return Answer.done("Job " + job.id() + " is already paused.");
    }
    scheduler.change(() -> jobs.setPaused(job.id(), true, null));
    log.info("job {} paused", job.id());
    return Answer.done("\u23f8\ufe0f Job " + job.id() + " paused. /cron resume " + job.id()
        + " starts it again (what falls due meanwhile does not run).");
  }

  private Answer resume(Jobs.Job job) {
    if (!job.paused()) {
      return Answer.done("Job " + job.id() + " is not paused.");
    }
    JobSchedule schedule;
    try {
      schedule = Schedules.stored(job);
    } catch (RuntimeException e) {
      return Answer.refused(
          "\u26a0\ufe0f Job " + job.id() + "'s schedule cannot be read: " + e.getMessage());
    }
    Instant next = schedule.nextAfter(clock.instant()).orElse(null);
    if (next == null) {
      return Answer.refused(
          "Job " + job.id() + " would never run again (a one-shot that is past); remove it.");
    }
    scheduler.change(() -> jobs.setPaused(job.id(), false, next));
    log.info("job {} resumed; next run {}", job.id(), next);
    return Answer.done("\u25b6\ufe0f Job " + job.id() + " resumed. Next run: "
        + When.of(next, schedule.zone()) + ".");
  }

  private Answer remove(Jobs.Job job) {
    scheduler.change(() -> jobs.remove(job.id()));
    log.info("job {} removed", job.id());
    return Answer.done("\ud83d\uddd1\ufe0f Job " + job.id() + " removed.");
  }

  private Answer runNow(Jobs.Job job) throws InterruptedException {
    Optional<String> refused = scheduler.runNow(job);
    return refused.isPresent()
        ? Answer.refused("Job " + job.id() + " was not started: " + refused.get() + ".")
        : Answer.done("\u25b6\ufe0f Job " + job.id() + " started; its answer comes in "
            + target(job.chat()) + ".");
  }

  private Optional<Jobs.Job> job(String text) {
    String id = text.startsWith("#") ? text.substring(1) : text;
    try {
      return jobs.get(Long.parseLong(id.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static int indexOfSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
