package dev.switchboard.store.sqlite;

import dev.switchboard.store.Conversations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

final class SqliteConversations implements Conversations {
  private final SqliteDb db;
  private final Clock clock;

  SqliteConversations(SqliteDb db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public int generation(String sessionKey) {
    return db.transaction("read a session", c -> current(c, sessionKey));
  }

  private static int current(Connection c, String sessionKey) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT generation FROM sessions WHERE session_key = ?")) {
      ps.setString(1, sessionKey);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  @Override
  public int startNew(String sessionKey) {
    long now = clock.millis();
    return db.transaction("start a new conversation", c -> {
      int next = current(c, sessionKey) + 1;
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO sessions (session_key, generation, updated_at) VALUES (?, ?, ?)"
              + " ON CONFLICT (session_key) DO UPDATE SET generation = excluded.generation,"
              + " updated_at = excluded.updated_at")) {
        SqliteDb.bind(ps, sessionKey, next, now);
        ps.executeUpdate();
      }
      return next;
    });
  }

  @Override
  public void append(String sessionKey, int generation, String role, String text) {
    db.update("append to a transcript",
        "INSERT INTO transcript (session_key, generation, role, text, at) VALUES (?, ?, ?, ?, ?)",
        sessionKey, generation, role, text, clock.millis());
  }

  @Override
  public List<Line> lines(String sessionKey, int generation, int limit) {
    return db.transaction("read a transcript", c -> {
      List<Line> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT role, text, at FROM transcript WHERE session_key = ? AND generation = ?"
              + " ORDER BY id DESC LIMIT ?")) {
        SqliteDb.bind(ps, sessionKey, generation, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Line(rs.getString(1), rs.getString(2),
                Instant.ofEpochMilli(rs.getLong(3))));
          }
        }
      }
      Collections.reverse(out);
      return out;
    });
  }
}
