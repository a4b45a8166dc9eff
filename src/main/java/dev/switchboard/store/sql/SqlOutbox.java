package dev.switchboard.store.sql;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.store.Outbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

final class SqlOutbox implements Outbox {
  private static final String COLUMNS = "id, key, platform, chat_id, thread_id, text, status,"
      + " platform_message_id, complete, inbound_key";

  private final SqlDatabase db;
  private final Clock clock;
  private final Fence fence;

  SqlOutbox(SqlDatabase db, Clock clock, Fence fence) {
    this.db = db;
    this.clock = clock;
    this.fence = fence;
  }

  @Override
  public Entry claim(String key, ChatRef chat, String text, @Nullable String inboundKey) {
    long now = clock.millis();
    return db.transaction("record an outgoing message", c -> {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO outbox (key, platform, chat_id, thread_id, text, status,"
              + " inbound_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?, ?)"
              + " ON CONFLICT DO NOTHING")) {
        SqlDatabase.bind(
            ps, key, chat.platform(), chat.chatId(), chat.threadId(), text, inboundKey, now, now);
        ps.executeUpdate();
      }
      return select(c, "WHERE key = ?", key).getFirst();
    });
  }

  @Override
  public Optional<Entry> claimNewAsSending(
      String key, ChatRef chat, String text, @Nullable String inboundKey) {
    long now = clock.millis();
    return db.transaction("record an outgoing message as being sent", c -> {
      fence.check(c);
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO outbox (key, platform, chat_id, thread_id, text, status,"
              + " inbound_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'SENDING', ?, ?, ?)"
              + " ON CONFLICT DO NOTHING RETURNING " + COLUMNS)) {
        SqlDatabase.bind(
            ps, key, chat.platform(), chat.chatId(), chat.threadId(), text, inboundKey, now, now);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(entry(rs)) : Optional.<Entry>empty();
        }
      }
    });
  }

  @Override
  public Optional<Entry> find(String key) {
    return db.transaction(
        "look up an outgoing message",
        c -> select(c, "WHERE key = ?", key).stream().findFirst());
  }

  @Override
  public void markSending(long id, String text) {
    db.transaction("mark a message as being sent", c -> {
      fence.check(c);
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE outbox SET status = 'SENDING', text = ?, updated_at = ? WHERE id = ?")) {
        SqlDatabase.bind(ps, text, clock.millis(), id);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public void markSent(long id, String platformMessageId, String text, boolean complete) {
    db.update(
        "mark a message as sent",
        "UPDATE outbox SET status = 'SENT', platform_message_id = ?, text = ?, complete = ?,"
            + " reason = NULL, updated_at = ? WHERE id = ?",
        platformMessageId,
        text,
        complete ? 1 : 0,
        clock.millis(),
        id);
  }

  @Override
  public void markFailed(long id, String reason) {
    db.update(
        "mark a message as failed",
        "UPDATE outbox SET status = 'FAILED', reason = ?, updated_at = ? WHERE id = ?",
        reason,
        clock.millis(),
        id);
  }

  @Override
  public boolean markUndelivered(String platform, String platformMessageId, String reason) {
    return db.update(
            "mark a sent message as undelivered",
            "UPDATE outbox SET status = 'FAILED', reason = ?, updated_at = ?"
                + " WHERE platform = ? AND platform_message_id = ? AND status = 'SENT'",
            reason,
            clock.millis(),
            platform,
            platformMessageId)
        > 0;
  }

  @Override
  public void markUnknown(long id, String reason) {
    db.update(
        "mark a message's outcome as unknown",
        "UPDATE outbox SET status = 'UNKNOWN', reason = ?, updated_at = ? WHERE id = ?",
        reason,
        clock.millis(),
        id);
  }

  @Override
  public List<Entry> forInbound(String inboundKey) {
    return db.transaction(
        "list the replies to a message",
        c -> select(c, "WHERE inbound_key = ? ORDER BY key", inboundKey));
  }

  @Override
  public int pruneSettled(Instant before, int limit) {
    // an inbound key is InboundMessage.dedupeKey(): platform, chat and message id joined by ':'
    return db.update(
        "prune the outbox",
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
            + " WHERE status IN ('SENT', 'FAILED') AND updated_at < ?"
            + " AND (inbound_key IS NULL OR inbound_key NOT IN (SELECT platform || ':' || chat_id"
            + " || ':' || message_id FROM inbound WHERE status <> 'DONE'))"
            + " ORDER BY updated_at LIMIT ?)",
        before.toEpochMilli(),
        limit);
  }

  private static List<Entry> select(Connection c, String where, @Nullable Object... args)
      throws SQLException {
    List<Entry> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM outbox " + where)) {
      SqlDatabase.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(entry(rs));
        }
      }
    }
    return out;
  }

  /** The entry at the result's current row, which has {@link #COLUMNS}. */
  private static Entry entry(ResultSet rs) throws SQLException {
    return new Entry(
        rs.getLong("id"),
        rs.getString("key"),
        new ChatRef(rs.getString("platform"), rs.getString("chat_id"), rs.getString("thread_id")),
        rs.getString("text"),
        Status.valueOf(rs.getString("status")),
        rs.getString("platform_message_id"),
        rs.getInt("complete") == 1,
        rs.getString("inbound_key"));
  }
}
