package dev.switchboard.store.sql;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.store.Jobs;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

final class SqlJobs implements Jobs {
  private static final String COLUMNS = "id, platform, chat_id, thread_id, schedule, zone, prompt,"
      + " shared_conversation, paused, next_run, created_by, created_at, last_run, last_outcome";

  private final SqlDatabase db;
  private final Clock clock;

  SqlJobs(SqlDatabase db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public Job add(NewJob job) {
    long now = clock.millis();
    long id = db.transaction("add a job", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO jobs (platform, chat_id, thread_id, schedule, zone, prompt,"
              + " shared_conversation, next_run, created_by, created_at)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
        SqlDatabase.bind(
            ps,
            job.chat().platform(),
            job.chat().chatId(),
            job.chat().threadId(),
            job.schedule(),
            job.zone(),
            job.prompt(),
            job.sharedConversation() ? 1 : 0,
            job.nextRun().toEpochMilli(),
            job.createdBy(),
            now);
        try (ResultSet keys = ps.executeQuery()) {
          if (!keys.next()) {
            throw new SQLException("no id for the new job");
          }
          return keys.getLong(1);
        }
      }
    });
    return get(id).orElseThrow();
  }

  @Override
  public Optional<Job> get(long id) {
    return db.transaction("read a job", c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE id = ?")) {
        SqlDatabase.bind(ps, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(job(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<Job> all() {
    return db.transaction("list the jobs", c -> {
      List<Job> out = new ArrayList<>();
      try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM jobs ORDER BY id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(job(rs));
        }
      }
      return out;
    });
  }

  @Override
  public boolean setPaused(long id, boolean paused, @Nullable Instant nextRun) {
    return db.update(
            "pause or resume a job",
            "UPDATE jobs SET paused = ?, next_run = ? WHERE id = ?",
            paused ? 1 : 0,
            millis(nextRun),
            id)
        == 1;
  }

  @Override
  public boolean remove(long id) {
    return db.update("remove a job", "DELETE FROM jobs WHERE id = ?", id) == 1;
  }

  @Override
  public void advance(long id, Instant due, @Nullable Instant nextRun, String outcome) {
    db.update(
        "advance a job",
        "UPDATE jobs SET next_run = ?, last_run = ?, last_outcome = ? WHERE id = ?",
        millis(nextRun),
        due.toEpochMilli(),
        outcome,
        id);
  }

  @Override
  public void recordOutcome(long id, Instant due, String outcome) {
    db.update(
        "record a job run's outcome",
        "UPDATE jobs SET last_outcome = ? WHERE id = ? AND last_run = ?",
        outcome,
        id,
        due.toEpochMilli());
  }

  private static @Nullable Long millis(@Nullable Instant at) {
    return at == null ? null : at.toEpochMilli();
  }

  private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Job job(ResultSet rs) throws SQLException {
    return new Job(
        rs.getLong(1),
        new ChatRef(rs.getString(2), rs.getString(3), rs.getString(4)),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getInt(8) == 1,
        rs.getInt(9) == 1,
        instant(rs, 10),
        rs.getString(11),
        Instant.ofEpochMilli(rs.getLong(12)),
        instant(rs, 13),
        rs.getString(14));
  }
}
