package dev.switchboard.store.sql;

import dev.switchboard.store.Leases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Leases as rows: each change is a compare-and-set on the token in one transaction, which
 * SQLite's single writer and PostgreSQL's SERIALIZABLE transactions both make atomic.
 */
final class SqlLeases implements Leases {
  private final SqlDatabase db;
  private final Clock clock;

  SqlLeases(SqlDatabase db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public Optional<Lease> acquire(String name, String holder, Duration ttl) {
    return db.transaction("take a lease", c -> {
      long now = clock.millis();
      long until = now + ttl.toMillis();
      Optional<Lease> current = find(c, name);
      if (current.isEmpty()) {
        try (PreparedStatement ps =
            c.prepareStatement("INSERT INTO leases (name, holder, token, expires_at, acquired_at)"
                + " VALUES (?, ?, 1, ?, ?) ON CONFLICT DO NOTHING")) {
          SqlDatabase.bind(ps, name, holder, until, now);
          return ps.executeUpdate() == 1
              ? Optional.of(new Lease(name, holder, 1, Instant.ofEpochMilli(until)))
              : Optional.empty();
        }
      }
      Lease held = current.get();
      boolean expired = held.expiresAt().toEpochMilli() <= now;
      if (!expired && !held.holder().equals(holder)) {
        return Optional.empty();
      }
      long token = expired ? held.token() + 1 : held.token();
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE leases SET holder = ?, token = ?, expires_at = ?,"
              + " acquired_at = CASE WHEN token = ? THEN acquired_at ELSE ? END"
              + " WHERE name = ? AND token = ?")) {
        SqlDatabase.bind(ps, holder, token, until, token, now, name, held.token());
        return ps.executeUpdate() == 1
            ? Optional.of(new Lease(name, holder, token, Instant.ofEpochMilli(until)))
            : Optional.empty();
      }
    });
  }

  // "Now" is read inside each transaction: a database that is away makes the transaction wait
  // and run again, and a time read before would be stale by then (a renewal after a 10 s wait
  // would set an expiry already past and count as a success).
  @Override
  public Optional<Lease> renew(Lease lease, Duration ttl) {
    return db.transaction("renew a lease", c -> {
      long now = clock.millis();
      long until = now + ttl.toMillis();
      return setExpiry(c, lease, until, now)
          ? Optional.of(
              new Lease(lease.name(), lease.holder(), lease.token(), Instant.ofEpochMilli(until)))
          : Optional.empty();
    });
  }

  @Override
  public void release(Lease lease) {
    db.transaction("give a lease up", c -> {
      long now = clock.millis();
      return setExpiry(c, lease, now, now);
    });
  }

  @Override
  public boolean holds(Lease lease) {
    return db.transaction("check a lease", c -> held(c, lease, clock.millis()));
  }

  /** Moves the expiry of {@code lease} while it is held as it says at {@code now}. */
  private static boolean setExpiry(Connection c, Lease lease, long expiresAt, long now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE leases SET expires_at = ?"
        + " WHERE name = ? AND holder = ? AND token = ? AND expires_at > ?")) {
      SqlDatabase.bind(ps, expiresAt, lease.name(), lease.holder(), lease.token(), now);
      return ps.executeUpdate() == 1;
    }
  }

  /** Whether {@code lease} is held as it says at {@code now}, read on {@code c}. */
  static boolean held(Connection c, Lease lease, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM leases"
        + " WHERE name = ? AND holder = ? AND token = ? AND expires_at > ?")) {
      SqlDatabase.bind(ps, lease.name(), lease.holder(), lease.token(), now);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public List<Lease> all() {
    return db.transaction("list the leases", c -> {
      List<Lease> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
              "SELECT name, holder, token, expires_at FROM leases ORDER BY name");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(lease(rs));
        }
      }
      return out;
    });
  }

  @Override
  public void advertise(String holder, String address) {
    db.transaction("record a gateway's address", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO instance_addresses (holder, address, updated_at) VALUES (?, ?, ?)"
              + " ON CONFLICT (holder) DO UPDATE SET address = excluded.address,"
              + " updated_at = excluded.updated_at")) {
        SqlDatabase.bind(ps, holder, address, clock.millis());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public Optional<String> address(String holder) {
    return db.transaction("read a gateway's address", c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT address FROM instance_addresses WHERE holder = ?")) {
        SqlDatabase.bind(ps, holder);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
        }
      }
    });
  }

  private static Optional<Lease> find(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT name, holder, token, expires_at FROM leases WHERE name = ?")) {
      SqlDatabase.bind(ps, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(lease(rs)) : Optional.empty();
      }
    }
  }

  private static Lease lease(ResultSet rs) throws SQLException {
    return new Lease(
        rs.getString("name"),
        rs.getString("holder"),
        rs.getLong("token"),
        Instant.ofEpochMilli(rs.getLong("expires_at")));
  }
}
