package dev.switchboard.reliability;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a soak found. The targets: the run reached its end with the gateway up, no question lost,
 * the answered rate at least {@code minRateFraction} of the rate asked, RSS and open files flat
 * and the store held ({@link SoakTargets}).
 *
 * @param abortedBecause why the soak stopped before its end, or null
 * @param gatewayExitCodeDuringRun the exit code when the gateway ended during the run, or null
 * @param exitCodeAfterSigterm the gateway's exit code when the soak stopped it (0 expected; -1
 *     when it had to be killed or was gone already)
 * @param loadSeconds how long the load ran
 * @param counts questions sent, answered, late, still owed at the end (lost)
 * @param answerSeconds from a question to its whole answer, as the chat saw it
 * @param owedAtEnd the first questions still owed at the end
 * @param modelRequests chat completions the model served
 * @param historyFaults questions the model saw a faulty history about (see SoakModel)
 */
public record SoakReport(
    SoakSettings settings,
    Map<String, String> machine,
    String startedAt,
    double seconds,
    String abortedBecause,
    Integer gatewayExitCodeDuringRun,
    int exitCodeAfterSigterm,
    double loadSeconds,
    SoakLedger.Counts counts,
    Stats answerSeconds,
    List<String> owedAtEnd,
    int modelRequests,
    int historyFaults,
    SoakTargets targets,
    List<SoakSample> samples) {

  public long lost() {
    return counts.owed();
  }

  public long sent() {
    return counts.sent();
  }

  public long answered() {
    return counts.answered();
  }

  /** Questions answered within lateAfter, per second of load. */
  public double answeredRate() {
    return loadSeconds <= 0 ? 0 : counts.answeredInTime() / loadSeconds;
  }

  public double sentRate() {
    return loadSeconds <= 0 ? 0 : counts.sent() / loadSeconds;
  }

  public boolean rateMet() {
    return answeredRate() >= settings.minRateFraction() * settings.rate();
  }

  /** All targets; the store's only when the run was long enough to assess it. */
  public boolean targetsMet() {
    return abortedBecause == null
        && lost() == 0
        && rateMet()
        && targets.samplesRead()
        && targets.rssFlat()
        && targets.fdsFlat()
        && (targets.storeHeld() || !targets.storeAssessed());
  }

  private static String met(boolean ok) {
    return ok ? "met" : "MISSED";
  }

  public String text() {
    StringBuilder b = new StringBuilder();
    SoakTargets t = targets;
    line(b, "soak %s", settings.label().isEmpty() ? "" : "(" + settings.label() + ")");
    line(b, "started %s, %.0f s; machine: %s", startedAt, seconds, machine);
    line(
        b,
        "settings: %s of load at %.1f messages/s over %d chats, model latency %d ms, edit"
            + " interval %d ms, busy policy queue, retention: delivered %d s (passes every %d"
            + " s), %d transcript lines; samples every %d s; late after %d s, drain %d s;"
            + " gateway JVM %s",
        settings.duration(),
        settings.rate(),
        settings.chats(),
        settings.modelLatency().toMillis(),
        settings.editInterval().toMillis(),
        settings.retentionDelivered().toSeconds(),
        settings.retentionPassInterval().toSeconds(),
        settings.transcriptLines(),
        settings.sampleEvery().toSeconds(),
        settings.lateAfter().toSeconds(),
        settings.drain().toSeconds(),
        String.join(" ", settings.jvmOptions()));
    if (abortedBecause != null) {
      line(b, "ABORTED: %s", abortedBecause);
    }
    line(
        b,
        "load: %.0f s; sent %d (%.2f/s); answered %d, %d of them within %d s (%.2f/s: %.0f%% of"
            + " the rate asked; target %.0f%%: %s); late %d; lost %d (target 0: %s)",
        loadSeconds,
        counts.sent(),
        sentRate(),
        counts.answered(),
        counts.answeredInTime(),
        settings.lateAfter().toSeconds(),
        answeredRate(),
        100 * answeredRate() / settings.rate(),
        100 * settings.minRateFraction(),
        met(rateMet()),
        counts.late(),
        lost(),
        met(lost() == 0));
    if (!owedAtEnd.isEmpty()) {
      line(b, "  still owed at the end (first %d): %s", owedAtEnd.size(), owedAtEnd);
    }
    line(
        b,
        "answer time as the chats saw it: %s; answer lines shown again after their answer was"
            + " complete: %d; garbled lines: %d",
        answerSeconds,
        counts.strayLines(),
        counts.garbledLines());
    line(b, "model requests: %d; questions with a history fault: %d", modelRequests, historyFaults);
    line(
        b,
        "RSS: mean %.1f MB in the second quarter, %.1f MB in the last (at most +%.0f%%: %s);"
            + " slope over the second half %+.1f MB/hour; largest %.1f MB",
        t.rssSecondQuarterMb(),
        t.rssLastQuarterMb(),
        100 * settings.rssTolerance(),
        met(t.rssFlat()),
        t.rssSlopeMbPerHour(),
        samples.stream().mapToLong(SoakSample::rssKb).max().orElse(-1) / 1024.0);
    line(
        b,
        "open files: over the second half %d to %d, %d to %d of them not sockets (band at most"
            + " %d); mean %.1f in the second quarter, %.1f in the last (at most +%d): %s;"
            + " threads %d to %d",
        t.fdsSecondHalfMin(),
        t.fdsSecondHalfMax(),
        t.otherFdsSecondHalfMin(),
        t.otherFdsSecondHalfMax(),
        settings.fdBand(),
        t.fdsSecondQuarterMean(),
        t.fdsLastQuarterMean(),
        settings.fdBand(),
        met(t.fdsFlat()),
        samples.stream().mapToInt(SoakSample::threads).min().orElse(-1),
        samples.stream().mapToInt(SoakSample::threads).max().orElse(-1));
    if (t.storeAssessed()) {
      line(
          b,
          "store: largest %.1f MB by %d s (retention + one pass), largest %.1f MB over the last"
              + " third (at most +%.0f%%: %s)",
          t.storeFirstMaxBytes() / 1048576.0,
          settings.retentionDelivered().plus(settings.retentionPassInterval()).toSeconds(),
          t.storeLastThirdMaxBytes() / 1048576.0,
          100 * settings.storeTolerance(),
          met(t.storeHeld()));
    } else {
      line(
          b,
          "store: not assessed (the last third must begin after retention + one pass, %d s:"
              + " the run needs at least %d s); largest %.1f MB",
          settings.retentionDelivered().plus(settings.retentionPassInterval()).toSeconds(),
          Math.round(1.5
              * settings
                  .retentionDelivered()
                  .plus(settings.retentionPassInterval())
                  .toSeconds()),
          samples.stream().mapToLong(SoakSample::storeBytes).max().orElse(-1) / 1048576.0);
    }
    line(
        b,
        "samples: %d (every value read: %s); exit code after SIGTERM: %d",
        samples.size(),
        t.samplesRead() ? "yes" : "NO",
        exitCodeAfterSigterm);
    line(b, "targets: %s", targetsMet() ? "all met" : "MISSED");
    return b.toString();
  }

  private static void line(StringBuilder b, String format, Object... args) {
    b.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  /** The samples as CSV, a header line first. */
  public String csv() {
    StringBuilder b = new StringBuilder(SoakSample.CSV_HEADER).append('\n');
    samples.forEach(s -> b.append(s.csv()).append('\n'));
    return b.toString();
  }

  public ObjectNode json() {
    ObjectNode root = ReportJson.header("soak", settings.label(), startedAt, seconds, machine);
    ObjectNode s = root.putObject("settings");
    s.put("duration_s", settings.duration().toSeconds());
    s.put("rate", settings.rate());
    s.put("chats", settings.chats());
    s.put("model_latency_ms", settings.modelLatency().toMillis());
    s.put("edit_interval_ms", settings.editInterval().toMillis());
    s.put("sample_every_s", settings.sampleEvery().toSeconds());
    s.put("late_after_s", settings.lateAfter().toSeconds());
    s.put("drain_s", settings.drain().toSeconds());
    s.put("retention_delivered_s", settings.retentionDelivered().toSeconds());
    s.put("retention_pass_interval_s", settings.retentionPassInterval().toSeconds());
    s.put("transcript_lines", settings.transcriptLines());
    s.put("rss_tolerance", settings.rssTolerance());
    s.put("fd_band", settings.fdBand());
    s.put("store_tolerance", settings.storeTolerance());
    s.put("min_rate_fraction", settings.minRateFraction());
    s.put("gateway_jvm_options", String.join(" ", settings.jvmOptions()));
    if (abortedBecause != null) {
      root.put("aborted_because", abortedBecause);
    }
    ObjectNode r = root.putObject("results");
    r.put("targets_met", targetsMet());
    r.put("load_s", loadSeconds);
    r.put("sent", counts.sent());
    r.put("sent_per_s", sentRate());
    r.put("answered", counts.answered());
    r.put("answered_in_time", counts.answeredInTime());
    r.put("answered_in_time_per_s", answeredRate());
    r.put("rate_met", rateMet());
    r.put("late", counts.late());
    r.put("lost", lost());
    r.put("stray_lines", counts.strayLines());
    r.put("garbled_lines", counts.garbledLines());
    ArrayNode owed = r.putArray("owed_at_end");
    owedAtEnd.forEach(owed::add);
    ObjectNode a = r.putObject("answer_seconds");
    a.put("count", answerSeconds.count());
    a.put("mean", answerSeconds.mean());
    a.put("p50", answerSeconds.p50());
    a.put("p95", answerSeconds.p95());
    a.put("p99", answerSeconds.p99());
    a.put("max", answerSeconds.max());
    r.put("model_requests", modelRequests);
    r.put("history_faults", historyFaults);
    if (gatewayExitCodeDuringRun != null) {
      r.put("gateway_exit_code_during_run", gatewayExitCodeDuringRun);
    }
    r.put("exit_code_after_sigterm", exitCodeAfterSigterm);
    ObjectNode tg = r.putObject("targets");
    tg.put("rss_second_quarter_mb", targets.rssSecondQuarterMb());
    tg.put("rss_last_quarter_mb", targets.rssLastQuarterMb());
    tg.put("rss_slope_mb_per_hour", targets.rssSlopeMbPerHour());
    tg.put("rss_flat", targets.rssFlat());
    tg.put("fds_second_half_min", targets.fdsSecondHalfMin());
    tg.put("fds_second_half_max", targets.fdsSecondHalfMax());
    tg.put("other_fds_second_half_min", targets.otherFdsSecondHalfMin());
    tg.put("other_fds_second_half_max", targets.otherFdsSecondHalfMax());
    tg.put("fds_second_quarter_mean", targets.fdsSecondQuarterMean());
    tg.put("fds_last_quarter_mean", targets.fdsLastQuarterMean());
    tg.put("fds_flat", targets.fdsFlat());
    tg.put("store_assessed", targets.storeAssessed());
    tg.put("store_first_max_bytes", targets.storeFirstMaxBytes());
    tg.put("store_last_third_max_bytes", targets.storeLastThirdMaxBytes());
    tg.put("store_held", targets.storeHeld());
    tg.put("samples_read", targets.samplesRead());
    ArrayNode arr = root.putArray("samples");
    for (SoakSample x : samples) {
      ObjectNode o = arr.addObject();
      o.put("t_s", x.t());
      o.put("rss_kb", x.rssKb());
      o.put("hwm_kb", x.hwmKb());
      o.put("fds", x.fds());
      o.put("sockets", x.sockets());
      o.put("threads", x.threads());
      o.put("store_bytes", x.storeBytes());
      o.put("wal_bytes", x.walBytes());
      o.put("inbound_rows", x.inboundRows());
      o.put("outbox_rows", x.outboxRows());
      o.put("transcript_rows", x.transcriptRows());
      o.put("sent", x.sent());
      o.put("answered", x.answered());
      o.put("late", x.late());
      o.put("owed", x.owed());
      o.put("overdue", x.overdue());
      o.put("load_average", x.loadAverage());
    }
    return root;
  }
}
