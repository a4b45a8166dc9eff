package dev.switchboard.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * Reads what a long run must keep flat about the gateway process, from outside it as an
 * operator would: its resident memory, open file descriptors and threads (Linux /proc), the
 * store's bytes on disk (the database with its -wal and -shm files) and the rows of the
 * journal, outbox and transcript (read-only, one short read transaction: WAL readers do not
 * block the gateway's writes). A value it cannot read is -1.
 */
final class GatewaySampler {
  private final long pid;
  private final Path database;

  GatewaySampler(long pid, Path home) {
    this.pid = pid;
    this.database = home.resolve("switchboard.db");
  }

  /** What one sample read. */
  record Reading(
      long rssKb,
      long hwmKb,
      int fds,
      int sockets,
      int threads,
      long storeBytes,
      long walBytes,
      long inboundRows,
      long outboxRows,
      long transcriptRows) {}

  Reading read() {
    long rss = -1;
    long hwm = -1;
    int threads = -1;
    try {
      for (String line : Files.readAllLines(
          Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          rss = kilobytes(line);
        } else if (line.startsWith("VmHWM:")) {
          hwm = kilobytes(line);
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.substring("Threads:".length()).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the process is gone, or /proc is not Linux's: -1 says so in the samples
    }
    long wal = size(Path.of(database + "-wal"));
    long store = sizeOrZero(database) + Math.max(0, wal) + sizeOrZero(Path.of(database + "-shm"));
    long[] rows = rows();
    int[] files = openFiles();
    return new Reading(
        rss, hwm, files[0], files[1], threads, store, wal, rows[0], rows[1], rows[2]);
  }

  private static long kilobytes(String statusLine) {
    String v = statusLine.substring(statusLine.indexOf(':') + 1).trim();
    return Long.parseLong(v.substring(0, v.indexOf(' ')));
  }

  /**
   * Open file descriptors, and how many of them are sockets: the HTTP clients' pooled
   * connections come and go with the load, so the flatness rules look at sockets and the rest
   * apart.
   */
  private int[] openFiles() {
    int n = 0;
    int sockets = 0;
    try (DirectoryStream<Path> fds =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        n++;
        try {
          if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
            sockets++;
          }
        } catch (IOException e) {
          // closed between the listing and the look: counted, as the listing saw it
        }
      }
      return new int[] {n, sockets};
    } catch (IOException e) {
      return new int[] {-1, -1};
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  private static long sizeOrZero(Path p) {
    return Math.max(0, size(p));
  }

  /** Journal, outbox and transcript rows; -1 each when the store could not be read. */
  private long[] rows() {
    long[] rows = {-1, -1, -1};
    if (!Files.exists(database)) {
      return rows;
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(2000);
    try (Connection db = config.createConnection("jdbc:sqlite:" + database);
        Statement s = db.createStatement()) {
      db.setAutoCommit(false); // the three counts from one snapshot
      String[] tables = {"inbound", "outbox", "transcript"};
      for (int i = 0; i < tables.length; i++) {
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + tables[i])) {
          rows[i] = r.next() ? r.getLong(1) : -1;
        }
      }
      db.rollback();
    } catch (SQLException e) {
      // busy past the timeout, or the gateway is migrating: -1 for this sample
    }
    return rows;
  }
}
