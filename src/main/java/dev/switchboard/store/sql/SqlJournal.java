package dev.switchboard.store.sql;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.AttachmentColumn;
import dev.switchboard.store.InboundJournal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

final class SqlJournal implements InboundJournal {
  private final SqlDatabase db;
  private final Clock clock;
  private final Fence fence;

  SqlJournal(SqlDatabase db, Clock clock, Fence fence) {
    this.db = db;
    this.clock = clock;
    this.fence = fence;
  }

  @Override
  public boolean record(InboundMessage m) {
    long now = clock.millis();
    return db.transaction("record an inbound message", c -> {
      // fenced: a gateway that lost the database must not acknowledge what it cannot answer
      fence.check(c);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO inbound (platform, chat_id, thread_id, message_id, user_id,"
              + " user_name, text, is_group, received_at, status, updated_at, attachments)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?) ON CONFLICT DO NOTHING")) {
        SqlDatabase.bind(
            ps,
            m.chat().platform(),
            m.chat().chatId(),
            m.chat().threadId(),
            m.messageId(),
            m.sender().userId(),
            m.sender().displayName(),
            m.text(),
            m.group() ? 1 : 0,
            m.receivedAt().toEpochMilli(),
            now,
            AttachmentColumn.write(m.attachments()));
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean recordRefused(MessageRef m, String senderId, String outcome) {
    long now = clock.millis();
    return db.update(
            "record a refused message",
            "INSERT INTO inbound (platform, chat_id, thread_id, message_id, user_id,"
                + " user_name, text, is_group, received_at, status, outcome, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, '', 0, ?, 'DONE', ?, ?) ON CONFLICT DO NOTHING",
            m.chat().platform(),
            m.chat().chatId(),
            m.chat().threadId(),
            m.messageId(),
            senderId,
            senderId,
            now,
            outcome,
            now)
        == 1;
  }

  @Override
  public boolean knowsChat(String platform, String chatId) {
    return db.transaction("look up a chat", c -> {
      // The UNIQUE (platform, chat_id, message_id) index serves the lookup.
      try (PreparedStatement ps =
          c.prepareStatement("SELECT 1 FROM inbound WHERE platform = ? AND chat_id = ?"
              + " AND (outcome IS NULL OR outcome NOT IN ('pairing', 'ignored')) LIMIT 1")) {
        SqlDatabase.bind(ps, platform, chatId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public boolean unfinished(MessageRef m) {
    return db.transaction("look up an inbound message", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM inbound WHERE platform = ?"
          + " AND chat_id = ? AND message_id = ? AND status <> 'DONE'")) {
        SqlDatabase.bind(ps, m.chat().platform(), m.chat().chatId(), m.messageId());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public int markRunning(InboundMessage m) {
    return db.transaction("start a turn", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE inbound SET status = 'RUNNING', attempts = attempts + 1, reply = NULL,"
              + " updated_at = ?"
              + " WHERE platform = ? AND chat_id = ? AND message_id = ?")) {
        SqlDatabase.bind(ps, clock.millis(), m.chat().platform(), m.chat().chatId(), m.messageId());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT attempts FROM inbound WHERE platform = ? AND chat_id = ? AND message_id = ?")) {
        SqlDatabase.bind(ps, m.chat().platform(), m.chat().chatId(), m.messageId());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getInt(1) : 1; // not journaled (a test's dispatcher): first
        }
      }
    });
  }

  @Override
  public void recordReply(InboundMessage m, String reply) {
    db.update(
        "record the agent's reply",
        "UPDATE inbound SET reply = ?, updated_at = ?"
            + " WHERE platform = ? AND chat_id = ? AND message_id = ?",
        reply,
        clock.millis(),
        m.chat().platform(),
        m.chat().chatId(),
        m.messageId());
  }

  @Override
  public void recordAttachments(InboundMessage m) {
    db.update(
        "record a message's attachments",
        "UPDATE inbound SET attachments = ?, updated_at = ?"
            + " WHERE platform = ? AND chat_id = ? AND message_id = ?",
        AttachmentColumn.write(m.attachments()),
        clock.millis(),
        m.chat().platform(),
        m.chat().chatId(),
        m.messageId());
  }

  @Override
  public Set<String> storedAttachments() {
    // Read as text and parsed here: SQLite's json_each and PostgreSQL's jsonb functions differ,
    // and the column is written by AttachmentColumn alone.
    return db.transaction("list the journal's stored attachments", c -> {
      Set<String> out = new HashSet<>();
      try (PreparedStatement ps =
              c.prepareStatement("SELECT attachments FROM inbound WHERE attachments IS NOT NULL");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          for (Attachment a : AttachmentColumn.read(rs.getString(1))) {
            if (a.sha256() != null) {
              out.add(a.sha256());
            }
          }
        }
      }
      return out;
    });
  }

  @Override
  public void markPending(InboundMessage m) {
    setStatus(m, Status.PENDING, null);
  }

  @Override
  public void markDone(InboundMessage m, String outcome) {
    setStatus(m, Status.DONE, outcome);
  }

  private void setStatus(InboundMessage m, Status status, @Nullable String outcome) {
    db.update(
        "update an inbound message",
        "UPDATE inbound SET status = ?, outcome = ?, updated_at = ?"
            + " WHERE platform = ? AND chat_id = ? AND message_id = ?",
        status.name(),
        outcome,
        clock.millis(),
        m.chat().platform(),
        m.chat().chatId(),
        m.messageId());
  }

  @Override
  public List<Entry> unfinished() {
    return db.transaction("list unfinished inbound messages", c -> {
      List<Entry> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
              "SELECT id, platform, chat_id, thread_id, message_id, user_id, user_name, text,"
                  + " is_group, received_at, status, outcome, attempts, reply, attachments FROM inbound"
                  + " WHERE status <> 'DONE' ORDER BY id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          InboundMessage m = new InboundMessage(
              new ChatRef(
                  rs.getString("platform"), rs.getString("chat_id"), rs.getString("thread_id")),
              rs.getString("message_id"),
              new Sender(rs.getString("user_id"), rs.getString("user_name")),
              rs.getString("text"),
              rs.getInt("is_group") == 1,
              Instant.ofEpochMilli(rs.getLong("received_at")),
              AttachmentColumn.read(rs.getString("attachments")));
          out.add(new Entry(
              rs.getLong("id"),
              m,
              Status.valueOf(rs.getString("status")),
              rs.getString("outcome"),
              rs.getInt("attempts"),
              rs.getString("reply")));
        }
      }
      return out;
    });
  }

  @Override
  public int pruneDone(Instant before, int limit) {
    return db.update(
        "prune the journal",
        "DELETE FROM inbound WHERE id IN (SELECT id FROM inbound WHERE status = 'DONE'"
            + " AND updated_at < ? ORDER BY updated_at LIMIT ?)",
        before.toEpochMilli(),
        limit);
  }
}
