package dev.switchboard.store.sql;

import dev.switchboard.store.Pairings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

final class SqlPairings implements Pairings {
  private static final String CODE_COLUMNS =
      "platform, code, user_id, chat_id, display_name, created_at, expires_at, used_at";

  private final SqlDatabase db;

  SqlPairings(SqlDatabase db) {
    this.db = db;
  }

  @Override
  public void addCode(Code code) {
    db.update(
        "store a pairing code",
        "INSERT INTO pairing_codes (" + CODE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
        code.platform(),
        code.code(),
        code.userId(),
        code.chatId(),
        code.displayName(),
        code.createdAt().toEpochMilli(),
        code.expiresAt().toEpochMilli());
  }

  @Override
  public Optional<Code> findCode(String platform, String code) {
    return db.transaction(
        "look up a pairing code",
        c ->
            codes(c, "WHERE platform = ? AND code = ?", platform, code).stream().findFirst());
  }

  @Override
  public List<Code> pending(String platform, Instant now) {
    return db.transaction(
        "list pairing codes",
        c -> codes(
            c,
            "WHERE platform = ? AND used_at IS NULL AND expires_at > ? ORDER BY created_at",
            platform,
            now.toEpochMilli()));
  }

  @Override
  public Approval redeem(Code code, Instant now) {
    return db.transaction("approve a pairing code", c -> {
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE pairing_codes SET used_at = ? WHERE platform = ? AND code = ?"
              + " AND used_at IS NULL")) {
        SqlDatabase.bind(ps, now.toEpochMilli(), code.platform(), code.code());
        if (ps.executeUpdate() != 1) {
          throw new SQLException("pairing code " + code.code() + " was already used");
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO approved_users (platform, user_id, display_name, approved_at)"
              + " VALUES (?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET"
              + " display_name = excluded.display_name, approved_at = excluded.approved_at")) {
        SqlDatabase.bind(
            ps, code.platform(), code.userId(), code.displayName(), now.toEpochMilli());
        ps.executeUpdate();
      }
      return new Approval(code.platform(), code.userId(), code.displayName(), now);
    });
  }

  @Override
  public boolean approved(String platform, String userId) {
    return db.transaction("check an approval", c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT 1 FROM approved_users WHERE platform = ? AND user_id = ?")) {
        SqlDatabase.bind(ps, platform, userId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public List<Approval> approvals(String platform) {
    return db.transaction("list approvals", c -> {
      List<Approval> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT platform, user_id, display_name, approved_at FROM approved_users"
              + " WHERE platform = ? ORDER BY approved_at")) {
        ps.setString(1, platform);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Approval(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4))));
          }
        }
      }
      return out;
    });
  }

  @Override
  public boolean revoke(String platform, String userId) {
    return db.update(
            "revoke an approval",
            "DELETE FROM approved_users WHERE platform = ? AND user_id = ?",
            platform,
            userId)
        == 1;
  }

  @Override
  public int deleteExpired(Instant now) {
    return db.update(
        "forget expired pairing codes",
        "DELETE FROM pairing_codes WHERE used_at IS NULL AND expires_at <= ?",
        now.toEpochMilli());
  }

  private static List<Code> codes(Connection c, String where, @Nullable Object... args)
      throws SQLException {
    List<Code> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + CODE_COLUMNS + " FROM pairing_codes " + where)) {
      SqlDatabase.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long used = rs.getLong("used_at");
          boolean unused = rs.wasNull();
          out.add(new Code(
              rs.getString("platform"),
              rs.getString("code"),
              rs.getString("user_id"),
              rs.getString("chat_id"),
              rs.getString("display_name"),
              Instant.ofEpochMilli(rs.getLong("created_at")),
              Instant.ofEpochMilli(rs.getLong("expires_at")),
              unused ? null : Instant.ofEpochMilli(used)));
        }
      }
    }
    return out;
  }
}
