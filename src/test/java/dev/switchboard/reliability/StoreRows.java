package dev.switchboard.reliability;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the gateway's database says about one message, read after the gateway stopped: its row
 * in the inbound journal and the outbox rows of everything sent about it. For reporting a case
 * the soak found, so it reads the tables as the migrations define them.
 */
final class StoreRows implements AutoCloseable {
  private final Connection db;

  StoreRows(Path database) throws SQLException {
    this.db = DriverManager.getConnection("jdbc:sqlite:" + database);
  }

  /** The journal row of the message {@code messageId} in {@code chat}, or a word that none is. */
  String journal(long chat, int messageId) throws SQLException {
    try (PreparedStatement s = db.prepareStatement("SELECT status, outcome, attempts,"
        + " reply IS NOT NULL, length(reply) FROM inbound WHERE platform = 'telegram'"
        + " AND chat_id = ? AND message_id = ?")) {
      s.setString(1, Long.toString(chat));
      s.setString(2, Integer.toString(messageId));
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return "no journal row";
        }
        return "status " + r.getString(1) + ", outcome " + r.getString(2) + ", attempts "
            + r.getInt(3)
            + (r.getBoolean(4)
                ? ", answer recorded (" + r.getInt(5) + " chars)"
                : ", no answer recorded");
      }
    }
  }

  /** The outbox rows about {@code inboundKey}, oldest first, one line each. */
  List<String> outbox(String inboundKey) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (PreparedStatement s = db.prepareStatement("SELECT key, status, complete,"
        + " platform_message_id, reason, substr(replace(text, char(10), '|'), 1, 60)"
        + " FROM outbox WHERE inbound_key = ? ORDER BY id")) {
      s.setString(1, inboundKey);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(r.getString(1) + ": " + r.getString(2) + (r.getBoolean(3) ? " complete" : "")
              + ", message " + r.getString(4)
              + (r.getString(5) == null ? "" : ", reason: " + r.getString(5))
              + ", text: " + r.getString(6));
        }
      }
    }
    return rows;
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }
}
