package dev.switchboard.store.sql;

import dev.switchboard.platform.PlatformRecords;
import dev.switchboard.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One platform's records in {@code platform_records}. Writes are fenced: a gateway that lost the
 * lease must not add to what the one that took over shows.
 */
final class SqlPlatformRecords implements PlatformRecords {
  private final SqlDatabase db;
  private final Clock clock;
  private final Fence fence;
  private final String platform;

  SqlPlatformRecords(SqlDatabase db, Clock clock, Fence fence, String platform) {
    this.db = db;
    this.clock = clock;
    this.fence = fence;
    this.platform = platform;
  }

  @Override
  public long put(String collection, String key, String value) {
    return write(collection, key, value, null);
  }

  @Override
  public Optional<Entry> get(String collection, String key) {
    return run("read a record", c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT seq, record_key, value FROM platform_records"
              + " WHERE platform = ? AND collection = ? AND record_key = ?")) {
        SqlDatabase.bind(ps, platform, collection, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next()
              ? Optional.of(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3)))
              : Optional.<Entry>empty();
        }
      }
    });
  }

  @Override
  public List<Entry> before(String collection, long before, int limit) {
    return run("read records", c -> {
      List<Entry> out = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement("SELECT seq, record_key, value FROM platform_records"
              + " WHERE platform = ? AND collection = ? AND seq < ? ORDER BY seq DESC LIMIT ?")) {
        SqlDatabase.bind(ps, platform, collection, before, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void putData(String collection, String key, byte[] data) {
    if (data.length > MAX_DATA_BYTES) {
      throw new IllegalArgumentException(
          data.length + " bytes in one record; at most " + MAX_DATA_BYTES);
    }
    write(collection, key, "", data);
  }

  @Override
  public Optional<byte[]> data(String collection, String key) {
    return run("read a record", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT data FROM platform_records"
          + " WHERE platform = ? AND collection = ? AND record_key = ?")) {
        SqlDatabase.bind(ps, platform, collection, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.<byte[]>empty();
        }
      }
    });
  }

  /** Writes a record's value and data (null for none), fenced; returns its place. */
  private long write(String collection, String key, String value, byte @Nullable [] data) {
    return run("write a record", c -> {
      fence.check(c);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO platform_records (platform, collection, record_key, value, data, updated_at)"
              + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, collection, record_key)"
              + " DO UPDATE SET value = excluded.value, data = excluded.data,"
              + " updated_at = excluded.updated_at RETURNING seq")) {
        SqlDatabase.bind(ps, platform, collection, key, value, data, clock.millis());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  /** {@code work} in a transaction, a store failure as the SPI promises it. */
  private <T> T run(String what, SqlDatabase.Work<T> work) {
    try {
      return db.transaction(what + " of " + platform, work);
    } catch (StoreException e) {
      throw new UncheckedIOException(new IOException(e.getMessage(), e));
    }
  }
}
