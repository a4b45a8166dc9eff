package dev.switchboard.http;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login cookies that were logged out before they expired, kept in {@code web_logouts} in the
 * state directory so a restarted gateway still refuses them. A cookie is signed, not stored, so
 * without this record a copy kept by a client would log in until it expires (30 days).
 *
 * <p>Bounded: a cookie past its lifetime is dropped from the record (it is refused anyway), and
 * beyond {@code maxEntries} the oldest are dropped too, and with them every cookie issued up to
 * the newest of them ({@code before}). That logs some browsers out early but never lets a
 * logged-out cookie back in. The file holds a SHA-256 of each cookie, never the cookie.
 *
 * <p>Every instance reads the same file and notices when another one (another process's)
 * replaced it, so a logout anywhere counts everywhere. Gateways that share a store keep the
 * record there too ({@link #share}), so a logout counts at the gateway that takes over.
 */
final class RevokedCookies {
  private static final Logger log = LoggerFactory.getLogger(RevokedCookies.class);
  static final String FILE = "web_logouts";
  static final int MAX_ENTRIES = 1000;
  private static final String BEFORE = "before";

  /**
   * What the file said when last read.
   *
   * @param issued each revoked cookie's hash and the second it was issued
   * @param before every cookie issued at or before this second is refused
   * @param stamp the file's identity then; null when there was no file
   */
  private record Snapshot(
      Map<String, Long> issued, long before, @Nullable Object stamp) {
    static final Snapshot EMPTY = new Snapshot(Map.of(), Long.MIN_VALUE, null);
  }

  private final Path file;
  private final Duration keep;
  private final int maxEntries;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private Snapshot current = Snapshot.EMPTY;

  /**
   * Serializes bringing the record and the shared store's together. Taken without {@link
   * #lock}, so that a store slow to answer never holds up the checks of every request.
   */
  private final ReentrantLock sharing = new ReentrantLock();

  /** Where the record is kept too when gateways share a store; null when it is not. */
  private volatile @Nullable SharedLogouts shared;

  /** @param keep how long a cookie may be valid at most; records older are dropped */
  RevokedCookies(Path file, Duration keep, int maxEntries) {
    this.file = file;
    this.keep = keep;
    this.maxEntries = maxEntries;
  }

  /** Whether the cookie {@code value}, issued at {@code issuedSecond}, was logged out. */
  boolean revoked(long issuedSecond, String value) {
    Snapshot s = snapshot();
    return issuedSecond <= s.before() || s.issued().containsKey(hash(value));
  }

  /**
   * Records the cookie {@code value} as logged out, on disk, and then in the shared store when
   * there is one ({@link #sync}), before it returns.
   *
   * @throws IOException when either could not be written. The cookie is refused here from the
   *     moment the file has it; a logout tried again writes the whole record to the store.
   */
  void revoke(long issuedSecond, String value, Instant now) throws IOException {
    lock.lock();
    try {
      Snapshot s = readable(refresh());
      Map<String, Long> issued = unexpired(s, now);
      issued.put(hash(value), issuedSecond);
      keep(issued, s.before());
    } finally {
      lock.unlock();
    }
    sync(now);
  }

  /**
   * From now on keeps the record in {@code store} too: what the store holds (the logouts of
   * the gateways active before this one) is added to the file now, and each logout is written
   * to both. Returns false, having logged why, when they could not be brought together now;
   * the next logout here tries again.
   */
  boolean share(SharedLogouts store, Instant now) {
    shared = store;
    try {
      sync(now);
      return true;
    } catch (IOException e) {
      log.warn(
          "the logged-out login cookies could not be brought together with the shared store's"
              + " ({}): a cookie logged out on another gateway may log in here until a logout"
              + " here brings them together",
          e.getMessage());
      return false;
    }
  }

  /**
   * Adds what the shared store holds to the file and writes the whole record back to the
   * store; nothing to do without a shared store. The store is read and written outside {@link
   * #lock}, so that a store slow to answer never holds up the check of every request.
   */
  private void sync(Instant now) throws IOException {
    SharedLogouts store = shared;
    if (store == null) {
      return;
    }
    sharing.lock();
    try {
      Optional<String> there = store.read();
      String text;
      lock.lock();
      try {
        Snapshot s = readable(refresh());
        if (there.isPresent()) {
          Snapshot other = parse(there.get().lines().toList(), null);
          Map<String, Long> issued = new HashMap<>(other.issued());
          issued.putAll(s.issued());
          s = new Snapshot(issued, Math.max(s.before(), other.before()), s.stamp());
        }
        text = keep(unexpired(s, now), s.before());
      } finally {
        lock.unlock();
      }
      if (!there.equals(Optional.of(text))) {
        store.write(text);
      }
    } catch (UncheckedIOException e) {
      throw new IOException("the shared store: " + e.getMessage(), e);
    } finally {
      sharing.unlock();
    }
  }

  private Snapshot readable(Snapshot s) throws IOException {
    if (s.before() == Long.MAX_VALUE) {
      throw new IOException("cannot read " + file + ", so a logout cannot be added to it");
    }
    return s;
  }

  /** The cookies of {@code s} still within their lifetime at {@code now}. */
  private Map<String, Long> unexpired(Snapshot s, Instant now) {
    long oldestKept = now.minus(keep).getEpochSecond();
    Map<String, Long> issued = new HashMap<>();
    s.issued().forEach((h, at) -> {
      if (at >= oldestKept) {
        issued.put(h, at);
      }
    });
    return issued;
  }

  /** Writes {@code issued} and {@code before}, within {@link #maxEntries}; returns the text. */
  @GuardedBy("lock")
  private String keep(Map<String, Long> issued, long before) throws IOException {
    if (issued.size() > maxEntries) {
      List<Map.Entry<String, Long>> byAge = new ArrayList<>(issued.entrySet());
      byAge.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
      for (Map.Entry<String, Long> dropped : byAge.subList(0, issued.size() - maxEntries)) {
        issued.remove(dropped.getKey());
        before = Math.max(before, dropped.getValue());
      }
      // A kept entry issued in the same second as a dropped one is covered by "before".
      long coveredUpTo = before;
      issued.values().removeIf(at -> at <= coveredUpTo);
    }
    String text = render(issued, before);
    // AtomicFiles writes through a temporary file, created owner-only.
    AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    current = new Snapshot(Map.copyOf(issued), before, stamp());
    return text;
  }

  /** How many cookies the record names, for tests of its bound. */
  int size() {
    return snapshot().issued().size();
  }

  private Snapshot snapshot() {
    lock.lock();
    try {
      return refresh();
    } finally {
      lock.unlock();
    }
  }

  /** The record, read again only when the file changed since the last read. */
  @GuardedBy("lock")
  private Snapshot refresh() {
    Object stamp;
    try {
      stamp = stamp();
    } catch (IOException e) {
      return failClosed(e, null);
    }
    if (stamp == null) {
      current = Snapshot.EMPTY;
      return current;
    }
    if (stamp.equals(current.stamp())) {
      return current;
    }
    try {
      current = parse(Files.readAllLines(file, StandardCharsets.UTF_8), stamp);
    } catch (IOException e) {
      return failClosed(e, stamp);
    }
    return current;
  }

  /** An unreadable record refuses every cookie: a login again is better than a revoked one. */
  @GuardedBy("lock")
  private Snapshot failClosed(IOException e, @Nullable Object stamp) {
    if (current.before() != Long.MAX_VALUE) {
      log.warn("cannot read {} ({}); every login cookie is refused until it can be read", file, e);
    }
    current = new Snapshot(Map.of(), Long.MAX_VALUE, stamp);
    return current;
  }

  /** The file's identity: a new inode or time or size means another writer replaced it. */
  private @Nullable Object stamp() throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return List.of(Objects.toString(a.fileKey()), a.lastModifiedTime().toMillis(), a.size());
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static Snapshot parse(List<String> lines, @Nullable Object stamp) {
    Map<String, Long> issued = new HashMap<>();
    long before = Long.MIN_VALUE;
    for (String line : lines) {
      String[] parts = line.strip().split(" ", -1);
      if (parts.length != 2 || (!parts[0].matches("-?\\d{1,19}") && !parts[0].equals(BEFORE))) {
        continue; // a comment, or a line this version does not know
      }
      try {
        if (parts[0].equals(BEFORE)) {
          before = Math.max(before, Long.parseLong(parts[1]));
        } else {
          issued.put(parts[1], Long.parseLong(parts[0]));
        }
      } catch (NumberFormatException ignored) {
        // a damaged line names no cookie we could refuse
      }
    }
    return new Snapshot(Map.copyOf(issued), before, stamp);
  }

  private static String render(Map<String, Long> issued, long before) {
    StringBuilder sb = new StringBuilder(
        "# Login cookies logged out before they expired: second issued, SHA-256 of the"
            + " cookie.\n");
    if (before != Long.MIN_VALUE) {
      sb.append(BEFORE).append(' ').append(before).append('\n');
    }
    issued.entrySet().stream()
        .sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
        .forEach(e -> sb.append(e.getValue()).append(' ').append(e.getKey()).append('\n'));
    return sb.toString();
  }

  private static String hash(String value) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
