package dev.switchboard.platform;

import java.util.List;
import java.util.Optional;

/**
 * A platform's own records kept in the store that several gateways share, so that what a
 * platform keeps for itself follows the lease from one gateway to the next instead of staying
 * in the state directory of a machine that is gone (the web chat's conversations and files).
 * Records are grouped in collections and named by a key within one; each keeps the place it
 * was first written at ({@link Entry#seq}), so a collection can be read newest first, a page at
 * a time, while its records change.
 *
 * <p>A store that cannot be reached throws {@link java.io.UncheckedIOException} naming what was
 * being done; nothing was written then.
 */
public interface PlatformRecords {
  /** The most bytes one record's data may hold: larger data is kept in several records. */
  int MAX_DATA_BYTES = 1024 * 1024;

  /**
   * One record.
   *
   * @param seq the place it was first written at: larger for records written later, in every
   *     collection
   */
  record Entry(long seq, String key, String value) {}

  /**
   * Writes {@code value} under {@code key}, replacing what was there; the record keeps its
   * place. Returns the place.
   */
  long put(String collection, String key, String value);

  Optional<Entry> get(String collection, String key);

  /**
   * Up to {@code limit} records of {@code collection} first written before place {@code
   * before}, the newest first; {@link Long#MAX_VALUE} for the newest of all.
   */
  List<Entry> before(String collection, long before, int limit);

  /** Writes {@code data} (at most {@link #MAX_DATA_BYTES}) under {@code key}, replacing it. */
  void putData(String collection, String key, byte[] data);

  /** The data written under {@code key}, if any. */
  Optional<byte[]> data(String collection, String key);
}
