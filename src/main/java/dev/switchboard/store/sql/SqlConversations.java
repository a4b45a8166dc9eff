package dev.switchboard.store.sql;

import dev.switchboard.store.Conversations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

final class SqlConversations implements Conversations {
  private record Conversation(String sessionKey, int generation) {}

  private final SqlDatabase db;
  private final Clock clock;

  SqlConversations(SqlDatabase db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public int generation(String sessionKey) {
    return db.transaction("read a session", c -> current(c, sessionKey));
  }

  private static int current(Connection c, String sessionKey) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT generation FROM sessions WHERE session_key = ?")) {
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
        SqlDatabase.bind(ps, sessionKey, next, now);
        ps.executeUpdate();
      }
      return next;
    });
  }

  @Override
  public void append(String sessionKey, int generation, String role, String text) {
    db.update(
        "append to a transcript",
        "INSERT INTO transcript (session_key, generation, role, text, at) VALUES (?, ?, ?, ?, ?)",
        sessionKey,
        generation,
        role,
        text,
        clock.millis());
  }

  @Override
  public List<Line> lines(String sessionKey, int generation, int limit) {
    return db.transaction("read a transcript", c -> lines(c, sessionKey, generation, limit));
  }

  @Override
  public TurnStart turnStart(String sessionKey, int lastLines) {
    return db.transaction("read a session", c -> {
      int generation = current(c, sessionKey);
      return new TurnStart(
          generation, lines(c, sessionKey, generation, lastLines), settings(c, sessionKey));
    });
  }

  private static List<Line> lines(Connection c, String sessionKey, int generation, int limit)
      throws SQLException {
    List<Line> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT role, text, at FROM transcript WHERE session_key = ? AND generation = ?"
            + " AND undone_by IS NULL ORDER BY id DESC LIMIT ?")) {
      SqlDatabase.bind(ps, sessionKey, generation, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Line(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
        }
      }
    }
    Collections.reverse(out);
    return out;
  }

  @Override
  public List<Line> hideLastExchange(String sessionKey, int generation, String byKey) {
    return db.transaction("undo the last exchange", c -> {
      List<Line> already = linesUndoneBy(c, sessionKey, generation, byKey);
      if (!already.isEmpty()) {
        return already;
      }
      long lastUser;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT MAX(id) FROM transcript WHERE session_key = ? AND generation = ?"
              + " AND role = 'user' AND undone_by IS NULL")) {
        SqlDatabase.bind(ps, sessionKey, generation);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          lastUser = rs.getLong(1);
          if (rs.wasNull()) {
            return List.of();
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE transcript SET undone_by = ? WHERE session_key = ? AND generation = ?"
              + " AND id >= ? AND undone_by IS NULL")) {
        SqlDatabase.bind(ps, byKey, sessionKey, generation, lastUser);
        ps.executeUpdate();
      }
      return linesUndoneBy(c, sessionKey, generation, byKey);
    });
  }

  private static List<Line> linesUndoneBy(
      Connection c, String sessionKey, int generation, String byKey) throws SQLException {
    List<Line> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT role, text, at FROM transcript WHERE session_key = ? AND generation = ?"
            + " AND undone_by = ? ORDER BY id")) {
      SqlDatabase.bind(ps, sessionKey, generation, byKey);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Line(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
        }
      }
    }
    return out;
  }

  @Override
  public Optional<String> setting(String sessionKey, String name) {
    return db.transaction("read a session setting", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT value FROM session_settings WHERE session_key = ? AND name = ?")) {
        SqlDatabase.bind(ps, sessionKey, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
        }
      }
    });
  }

  @Override
  public Map<String, String> settings(String sessionKey) {
    return db.transaction("read session settings", c -> settings(c, sessionKey));
  }

  private static Map<String, String> settings(Connection c, String sessionKey) throws SQLException {
    return pairs(
        c,
        "SELECT name, value FROM session_settings WHERE session_key = ? ORDER BY name",
        sessionKey);
  }

  /** The rows of {@code sql}, two text columns each, as a map from the first to the second. */
  private static Map<String, String> pairs(Connection c, String sql, Object... args)
      throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      SqlDatabase.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  @Override
  public void setSetting(String sessionKey, String name, @Nullable String value) {
    if (value == null) {
      db.update(
          "remove a session setting",
          "DELETE FROM session_settings WHERE session_key = ? AND name = ?",
          sessionKey,
          name);
      return;
    }
    db.update(
        "save a session setting",
        "INSERT INTO session_settings (session_key, name, value, updated_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (session_key, name) DO UPDATE SET value = excluded.value,"
            + " updated_at = excluded.updated_at",
        sessionKey,
        name,
        value,
        clock.millis());
  }

  @Override
  public Map<String, String> settingsNamed(String name) {
    return db.transaction(
        "read session settings",
        c -> pairs(
            c,
            "SELECT session_key, value FROM session_settings WHERE name = ? ORDER BY session_key",
            name));
  }

  @Override
  public void addUsage(String sessionKey, int generation, long tokensIn, long tokensOut) {
    db.update(
        "count tokens",
        "INSERT INTO token_usage (session_key, generation, turns, tokens_in, tokens_out)"
            + " VALUES (?, ?, 1, ?, ?) ON CONFLICT (session_key, generation) DO UPDATE SET"
            + " turns = token_usage.turns + 1,"
            + " tokens_in = token_usage.tokens_in + excluded.tokens_in,"
            + " tokens_out = token_usage.tokens_out + excluded.tokens_out",
        sessionKey,
        generation,
        tokensIn,
        tokensOut);
  }

  @Override
  public Usage usage(String sessionKey, int generation) {
    return sumUsage(
        "SELECT SUM(turns), SUM(tokens_in), SUM(tokens_out) FROM token_usage"
            + " WHERE session_key = ? AND generation = ?",
        sessionKey,
        generation);
  }

  @Override
  public Usage totalUsage(String sessionKey) {
    return sumUsage(
        "SELECT SUM(turns), SUM(tokens_in), SUM(tokens_out) FROM token_usage"
            + " WHERE session_key = ?",
        sessionKey);
  }

  @Override
  public int pruneLinesBefore(Instant before, int limit) {
    return db.update(
        "prune transcripts",
        "DELETE FROM transcript WHERE id IN (SELECT id FROM transcript WHERE at < ?"
            + " ORDER BY at LIMIT ?)",
        before.toEpochMilli(),
        limit);
  }

  @Override
  public int pruneLinesBeyond(int keep, int limit) {
    return db.transaction("prune long transcripts", c -> {
      List<Conversation> longOnes = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT session_key, generation FROM transcript GROUP BY session_key, generation"
              + " HAVING COUNT(*) > ?")) {
        SqlDatabase.bind(ps, keep);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            longOnes.add(new Conversation(rs.getString(1), rs.getInt(2)));
          }
        }
      }
      int left = limit;
      for (Conversation conversation : longOnes) {
        if (left == 0) {
          break;
        }
        long newestDropped;
        try (PreparedStatement ps =
            c.prepareStatement("SELECT id FROM transcript WHERE session_key = ? AND generation = ?"
                + " ORDER BY id DESC LIMIT 1 OFFSET ?")) {
          SqlDatabase.bind(ps, conversation.sessionKey(), conversation.generation(), keep);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            newestDropped = rs.getLong(1);
          }
        }
        try (PreparedStatement ps =
            c.prepareStatement("DELETE FROM transcript WHERE id IN (SELECT id FROM transcript WHERE"
                + " session_key = ? AND generation = ? AND id <= ? ORDER BY id LIMIT ?)")) {
          SqlDatabase.bind(
              ps, conversation.sessionKey(), conversation.generation(), newestDropped, left);
          left -= ps.executeUpdate();
        }
      }
      return limit - left;
    });
  }

  private Usage sumUsage(String sql, @Nullable Object... args) {
    return db.transaction("read token counts", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        SqlDatabase.bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new Usage(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
      }
    });
  }
}
