package dev.switchboard.hooks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway reports for hooks, from the places where it happens. Every method returns at
 * once and never throws: it only queues the event (or drops it when the queue is full), so the
 * dispatch loop, a turn or the stop never waits for a hook.
 *
 * <p>Text a user wrote or the agent answered is passed along but reaches hooks only when
 * {@code hooks.include_text} is on.
 */
public interface GatewayEvents {
  /** The gateway is running (READY was sent) with these platforms enabled. */
  void gatewayStarted(String version, List<String> platforms);

  /**
   * The stop began.
   *
   * @param kind stop, restart, config_error or crash
   * @param source who asked: "SIGTERM", "/restart from telegram:42", ...
   */
  void gatewayStopping(String kind, String source);

  /** A platform reported its state; hooks hear of it only when the state changed. */
  void platformState(String platform, String state, @Nullable String error);

  /**
   * A turn starts from an empty conversation: the first of a session, the first after /new, or
   * one after /undo or /retry took back all there was. Reported before its {@link #turnStarted}.
   */
  void sessionNew(EventChat chat, int conversation);

  /** A turn starts; {@code attempt} is 1 unless an earlier process started it before. */
  void turnStarted(EventChat chat, int attempt, String text);

  /**
   * A turn ended.
   *
   * @param outcome answered, failed, stopped, superseded, deferred or undelivered
   * @param reply the answer, when the agent gave one
   */
  void turnFinished(
      EventChat chat,
      int attempt,
      String outcome,
      Duration took,
      String text,
      @Nullable String reply);

  /**
   * A slash command was handled.
   *
   * @param outcome done, turn (it became an agent turn), unknown, refused or failed
   */
  void commandRun(EventChat chat, String command, String outcome, String arguments);

  /**
   * The scheduler reached a job's run due at {@code due}: {@code outcome} says whether it
   * started it ("started", "run_now") or skipped it ("skipped_late", "skipped_overlap").
   */
  void jobRun(EventChat chat, long job, String schedule, Instant due, String outcome);

  /** Reports nothing: the gateway without hooks, and tests. */
  GatewayEvents NONE = new GatewayEvents() {
    @Override
    public void gatewayStarted(String version, List<String> platforms) {}

    @Override
    public void gatewayStopping(String kind, String source) {}

    @Override
    public void platformState(String platform, String state, @Nullable String error) {}

    @Override
    public void sessionNew(EventChat chat, int conversation) {}

    @Override
    public void turnStarted(EventChat chat, int attempt, String text) {}

    @Override
    public void turnFinished(
        EventChat chat,
        int attempt,
        String outcome,
        Duration took,
        String text,
        @Nullable String reply) {}

    @Override
    public void commandRun(EventChat chat, String command, String outcome, String arguments) {}

    @Override
    public void jobRun(EventChat chat, long job, String schedule, Instant due, String outcome) {}
  };
}
