package dev.switchboard.store.sql;

import dev.switchboard.store.Cursors;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

final class SqlCursors implements Cursors {
  private final SqlDatabase db;
  private final Fence fence;

  SqlCursors(SqlDatabase db, Fence fence) {
    this.db = db;
    this.fence = fence;
  }

  @Override
  public Optional<String> get(String platform, String name) {
    return db.transaction("read a cursor", c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT value FROM cursors WHERE platform = ? AND name = ?")) {
        SqlDatabase.bind(ps, platform, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public void put(String platform, String name, String value) {
    db.transaction("write a cursor", c -> {
      // fenced: a gateway that lost the database must not overwrite where the new one resumes
      // (a Discord session of its own, which the next takeover would try to resume)
      fence.check(c);
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO cursors (platform, name, value) VALUES (?, ?, ?)"
              + " ON CONFLICT (platform, name) DO UPDATE SET value = excluded.value")) {
        SqlDatabase.bind(ps, platform, name, value);
        return ps.executeUpdate();
      }
    });
  }
}
