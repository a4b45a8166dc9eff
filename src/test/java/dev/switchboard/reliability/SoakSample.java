package dev.switchboard.reliability;

import java.util.Locale;

/**
 * One sample of a soak: seconds since the load began ({@code t}), what the gateway process and
 * its store looked like ({@link GatewaySampler}; -1 where unreadable), the questions so far, and
 * the machine's load average.
 */
public record SoakSample(
    double t,
    long rssKb,
    long hwmKb,
    int fds,
    int sockets,
    int threads,
    long storeBytes,
    long walBytes,
    long inboundRows,
    long outboxRows,
    long transcriptRows,
    long sent,
    long answered,
    long late,
    long owed,
    long overdue,
    String loadAverage) {

  static final String CSV_HEADER = "t_s,rss_kb,hwm_kb,fds,sockets,threads,store_bytes,wal_bytes,"
      + "inbound_rows,outbox_rows,transcript_rows,sent,answered,late,owed,overdue,load1";

  static SoakSample of(double t, GatewaySampler.Reading r, SoakLedger.Counts c, String load) {
    return new SoakSample(
        t,
        r.rssKb(),
        r.hwmKb(),
        r.fds(),
        r.sockets(),
        r.threads(),
        r.storeBytes(),
        r.walBytes(),
        r.inboundRows(),
        r.outboxRows(),
        r.transcriptRows(),
        c.sent(),
        c.answered(),
        c.late(),
        c.owed(),
        c.overdue(),
        load);
  }

  String csv() {
    return String.format(
        Locale.ROOT,
        "%.1f,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%s",
        t,
        rssKb,
        hwmKb,
        fds,
        sockets,
        threads,
        storeBytes,
        walBytes,
        inboundRows,
        outboxRows,
        transcriptRows,
        sent,
        answered,
        late,
        owed,
        overdue,
        loadAverage.split(" ")[0]);
  }

  /** One line for the console while the soak runs. */
  String progress(double rate) {
    return String.format(
        Locale.ROOT,
        "t=%5.0fs rss %6.1f MB fds %3d (sockets %3d) threads %3d store %6.1f MB (wal %5.1f) rows"
            + " inbound %d outbox %d transcript %d; sent %d answered %d (%.1f/s) late %d"
            + " owed %d; load %s",
        t,
        rssKb / 1024.0,
        fds,
        sockets,
        threads,
        storeBytes / 1048576.0,
        walBytes / 1048576.0,
        inboundRows,
        outboxRows,
        transcriptRows,
        sent,
        answered,
        rate,
        late,
        owed,
        loadAverage.split(" ")[0]);
  }
}
