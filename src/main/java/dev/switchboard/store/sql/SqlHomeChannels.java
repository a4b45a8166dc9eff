package dev.switchboard.store.sql;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.store.HomeChannels;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

final class SqlHomeChannels implements HomeChannels {
  private final SqlDatabase db;
  private final Clock clock;

  SqlHomeChannels(SqlDatabase db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public Optional<ChatRef> get(String platform) {
    return db.transaction("read a home channel", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT platform, chat_id, thread_id FROM home_channels WHERE platform = ?")) {
        SqlDatabase.bind(ps, platform);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(chat(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public void set(ChatRef chat) {
    db.update(
        "set a home channel",
        "INSERT INTO home_channels (platform, chat_id, thread_id, set_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (platform) DO UPDATE SET chat_id = excluded.chat_id,"
            + " thread_id = excluded.thread_id, set_at = excluded.set_at",
        chat.platform(),
        chat.chatId(),
        chat.threadId(),
        clock.millis());
  }

  @Override
  public Map<String, ChatRef> all() {
    return db.transaction("read the home channels", c -> {
      Map<String, ChatRef> homes = new TreeMap<>();
      try (PreparedStatement ps =
              c.prepareStatement("SELECT platform, chat_id, thread_id FROM home_channels");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ChatRef chat = chat(rs);
          homes.put(chat.platform(), chat);
        }
      }
      return homes;
    });
  }

  private static ChatRef chat(ResultSet rs) throws SQLException {
    return new ChatRef(rs.getString(1), rs.getString(2), rs.getString(3));
  }
}
