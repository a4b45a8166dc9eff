package dev.switchboard.reliability;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a crash soak found. The targets: no answer lost, no answer shown twice unmarked.
 *
 * @param abortedBecause why the soak stopped before its end (a start that never reached
 *     running), or null
 * @param kills SIGKILLs sent to a live gateway
 * @param killsDuringStart those aimed before the gateway said it was running
 * @param restarts starts after the first
 * @param unexpectedExits exit codes of ends the soak did not cause (a SIGKILL is 137)
 * @param exitCodeAfterSigterm the last gateway's exit code when the soak stopped it (0 expected)
 * @param questions messages the chats sent
 * @param answeredCompletely questions whose whole answer the chat shows ({@link AnswerShown})
 * @param lost questions with no complete answer by the end of the settle time
 * @param unmarkedDuplicates questions whose whole answer is shown twice or more without the mark
 * @param partsTwiceUnmarked questions with some part shown twice unmarked, but not all of it
 * @param resentMessages messages marked "↻ Resent after a restart"
 * @param resentBesideAnUnmarkedCopy questions shown unmarked and also marked as resent (a send
 *     whose outcome the kill made unknown had arrived after all)
 * @param cutOffPreviews previews edited to say a restart cut them off
 * @param stalePreviews messages still ending with the typing mark: a preview nobody finished
 * @param garbledLines lines naming a question that are no line of its answer
 * @param otherMessages bot messages that are none of the above, by text (abbreviated)
 * @param overdue questions whose chat gave up waiting and asked its next one
 * @param answerSeconds from a question to its whole answer, as the chat saw it
 * @param cycleSeconds from one kill to the next
 * @param killToRunningSeconds from a kill to the next gateway saying it is running
 * @param modelRequests chat completions the model served
 * @param historyFaults by question: the first thing wrong with it in a history the model got
 * @param requestsWithHistoryFaults requests whose history had one of those faults
 */
public record CrashSoakReport(
    CrashSoakSettings settings,
    Map<String, String> machine,
    String startedAt,
    double seconds,
    String abortedBecause,
    int kills,
    int killsDuringStart,
    int restarts,
    List<Integer> unexpectedExits,
    int exitCodeAfterSigterm,
    int questions,
    int answeredCompletely,
    int lost,
    int unmarkedDuplicates,
    int partsTwiceUnmarked,
    int resentMessages,
    int resentBesideAnUnmarkedCopy,
    int cutOffPreviews,
    int stalePreviews,
    int garbledLines,
    Map<String, Integer> otherMessages,
    int overdue,
    Stats answerSeconds,
    Stats cycleSeconds,
    Stats killToRunningSeconds,
    int modelRequests,
    Map<String, String> historyFaults,
    int requestsWithHistoryFaults,
    List<Case> cases) {

  /**
   * One question the verdict picked out, with what the chat showed after it, the journal row,
   * the outbox rows and the gateway's log lines about it.
   */
  public record Case(
      String kind,
      String question,
      String inboundKey,
      List<String> chatShows,
      String journal,
      List<String> outbox,
      List<String> log) {}

  /** No answer lost, none shown twice unmarked, and the soak ran to its end. */
  public boolean targetsMet() {
    return abortedBecause == null && lost == 0 && unmarkedDuplicates == 0;
  }

  public String text() {
    StringBuilder b = new StringBuilder();
    line(b, "crash soak %s", settings.label().isEmpty() ? "" : "(" + settings.label() + ")");
    line(b, "started %s, %.0f s; machine: %s", startedAt, seconds, machine);
    line(
        b,
        "settings: %d kills, %d chats, model latency %d ms, edit interval %d ms, kill within"
            + " %.1f s of running (%.0f%% aimed at the start), answer wait %d s, settle %d s,"
            + " seed %d",
        settings.kills(),
        settings.chats(),
        settings.modelLatency().toMillis(),
        settings.editInterval().toMillis(),
        settings.maxUptime().toMillis() / 1000.0,
        settings.startKillFraction() * 100,
        settings.answerWait().toSeconds(),
        settings.settle().toSeconds(),
        settings.seed());
    if (abortedBecause != null) {
      line(b, "ABORTED: %s", abortedBecause);
    }
    line(
        b,
        "kills: %d (%d aimed at the start); restarts: %d; unexpected exits: %s; exit code"
            + " after SIGTERM: %d",
        kills,
        killsDuringStart,
        restarts,
        unexpectedExits,
        exitCodeAfterSigterm);
    line(b, "time per kill cycle: %s", cycleSeconds);
    line(b, "kill to running: %s", killToRunningSeconds);
    line(
        b,
        "messages sent: %d; answered completely: %d; lost: %d; unmarked duplicates: %d"
            + " (target 0 and 0: %s)",
        questions,
        answeredCompletely,
        lost,
        unmarkedDuplicates,
        targetsMet() ? "met" : "MISSED");
    line(
        b,
        "marked resends: %d messages (%d answers also shown unmarked); previews marked cut"
            + " off: %d; stale previews: %d; parts shown twice unmarked: %d; garbled lines: %d",
        resentMessages,
        resentBesideAnUnmarkedCopy,
        cutOffPreviews,
        stalePreviews,
        partsTwiceUnmarked,
        garbledLines);
    line(
        b,
        "answer time as the chats saw it: %s; chats that gave up waiting: %d",
        answerSeconds,
        overdue);
    line(
        b,
        "model requests: %d; questions with a history fault: %d (in %d requests)",
        modelRequests,
        historyFaults.size(),
        requestsWithHistoryFaults);
    historyFaults.forEach((q, what) -> line(b, "  history fault %s: %s", q, what));
    if (!otherMessages.isEmpty()) {
      line(b, "other bot messages:");
      otherMessages.forEach((text, n) -> line(b, "  %d x %s", n, text));
    }
    for (Case c : cases) {
      line(b, "%s: %s (%s)", c.kind(), c.question(), c.inboundKey());
      c.chatShows().forEach(s -> line(b, "  chat:    %s", s));
      line(b, "  journal: %s", c.journal());
      c.outbox().forEach(s -> line(b, "  outbox:  %s", s));
      c.log().forEach(s -> line(b, "  log:     %s", s));
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String format, Object... args) {
    b.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  public ObjectNode json() {
    ObjectNode root =
        ReportJson.header("crash soak", settings.label(), startedAt, seconds, machine);
    ObjectNode s = root.putObject("settings");
    s.put("kills", settings.kills());
    s.put("chats", settings.chats());
    s.put("model_latency_ms", settings.modelLatency().toMillis());
    s.put("edit_interval_ms", settings.editInterval().toMillis());
    s.put("max_uptime_ms", settings.maxUptime().toMillis());
    s.put("start_kill_fraction", settings.startKillFraction());
    s.put("answer_wait_s", settings.answerWait().toSeconds());
    s.put("settle_s", settings.settle().toSeconds());
    s.put("seed", settings.seed());
    s.put("gateway_jvm_options", String.join(" ", settings.jvmOptions()));
    if (abortedBecause != null) {
      root.put("aborted_because", abortedBecause);
    }
    ObjectNode r = root.putObject("results");
    r.put("targets_met", targetsMet());
    r.put("kills", kills);
    r.put("kills_during_start", killsDuringStart);
    r.put("restarts", restarts);
    ArrayNode unexpected = r.putArray("unexpected_exit_codes");
    unexpectedExits.forEach(unexpected::add);
    r.put("exit_code_after_sigterm", exitCodeAfterSigterm);
    r.put("messages_sent", questions);
    r.put("answered_completely", answeredCompletely);
    r.put("lost", lost);
    r.put("unmarked_duplicates", unmarkedDuplicates);
    r.put("parts_shown_twice_unmarked", partsTwiceUnmarked);
    r.put("marked_resends", resentMessages);
    r.put("answers_resent_beside_an_unmarked_copy", resentBesideAnUnmarkedCopy);
    r.put("previews_marked_cut_off", cutOffPreviews);
    r.put("stale_previews", stalePreviews);
    r.put("garbled_lines", garbledLines);
    r.put("chats_gave_up_waiting", overdue);
    stats(r.putObject("answer_seconds"), answerSeconds);
    stats(r.putObject("kill_cycle_seconds"), cycleSeconds);
    stats(r.putObject("kill_to_running_seconds"), killToRunningSeconds);
    r.put("model_requests", modelRequests);
    r.put("requests_with_history_faults", requestsWithHistoryFaults);
    ObjectNode faults = r.putObject("history_faults");
    historyFaults.forEach(faults::put);
    ObjectNode other = r.putObject("other_messages");
    otherMessages.forEach(other::put);
    ArrayNode cs = root.putArray("cases");
    for (Case c : cases) {
      ObjectNode o = cs.addObject();
      o.put("kind", c.kind());
      o.put("question", c.question());
      o.put("inbound_key", c.inboundKey());
      ArrayNode shows = o.putArray("chat_shows");
      c.chatShows().forEach(shows::add);
      o.put("journal", c.journal());
      ArrayNode outbox = o.putArray("outbox");
      c.outbox().forEach(outbox::add);
      ArrayNode log = o.putArray("log");
      c.log().forEach(log::add);
    }
    return root;
  }

  private static void stats(ObjectNode o, Stats s) {
    o.put("count", s.count());
    o.put("mean", round(s.mean()));
    o.put("p50", round(s.p50()));
    o.put("p95", round(s.p95()));
    o.put("p99", round(s.p99()));
    o.put("max", round(s.max()));
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
