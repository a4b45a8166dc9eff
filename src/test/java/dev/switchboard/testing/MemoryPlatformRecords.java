package dev.switchboard.testing;

import dev.switchboard.platform.PlatformRecords;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every platform's records of an {@link InMemoryStore}, in one map, so that several gateways
 * of a test that are handed the same instance see each other's records as they would on one
 * database.
 */
public final class MemoryPlatformRecords {
  private record Name(String platform, String collection, String key) {}

  private record Row(long seq, String value, byte[] data) {}

  private final Map<Name, Row> rows = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();

  /** The records of {@code platform}. */
  public PlatformRecords of(String platform) {
    return new PlatformRecords() {
      @Override
      public long put(String collection, String key, String value) {
        return write(new Name(platform, collection, key), value, new byte[0]);
      }

      @Override
      public Optional<Entry> get(String collection, String key) {
        Row r = rows.get(new Name(platform, collection, key));
        return r == null ? Optional.empty() : Optional.of(new Entry(r.seq(), key, r.value()));
      }

      @Override
      public List<Entry> before(String collection, long before, int limit) {
        List<Entry> out = new ArrayList<>();
        rows.forEach((name, r) -> {
          if (name.platform().equals(platform)
              && name.collection().equals(collection)
              && r.seq() < before) {
            out.add(new Entry(r.seq(), name.key(), r.value()));
          }
        });
        out.sort(Comparator.comparingLong(Entry::seq).reversed());
        return List.copyOf(out.subList(0, Math.min(limit, out.size())));
      }

      @Override
      public void putData(String collection, String key, byte[] data) {
        if (data.length > MAX_DATA_BYTES) {
          throw new IllegalArgumentException(
              data.length + " bytes in one record; at most " + MAX_DATA_BYTES);
        }
        write(new Name(platform, collection, key), "", data.clone());
      }

      @Override
      public Optional<byte[]> data(String collection, String key) {
        Row r = rows.get(new Name(platform, collection, key));
        return r == null ? Optional.empty() : Optional.of(r.data().clone());
      }
    };
  }

  private long write(Name name, String value, byte[] data) {
    return rows.compute(
            name, (n, old) -> new Row(old == null ? seq.incrementAndGet() : old.seq(), value, data))
        .seq();
  }
}
