package dev.switchboard.platform.telegram.fake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The files the fake holds, by file_id and by file_path: what users sent (added by the test) and
 * what the bot uploaded. A file over the Bot API's 20 MB download limit is described by getFile's
 * error alone, so the fake keeps only its size.
 */
final class FileStore {
  /** The largest file getFile hands out (Bot API: "bots can download files of up to 20MB"). */
  static final long MAX_DOWNLOAD = 20L * 1024 * 1024;

  /** A file; {@code content} is empty for one too large to download, whose size is {@code size}. */
  record StoredFile(String fileId, String uniqueId, String path, byte[] content, long size) {
    boolean downloadable() {
      return size <= MAX_DOWNLOAD;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock:
  private final Map<String, StoredFile> byId = new HashMap<>();
  private final Map<String, StoredFile> byPath = new HashMap<>();
  private final List<String> downloads = new ArrayList<>();
  private int next;

  /** Keeps {@code content} under {@code directory} ("photos", "documents", "voice"...). */
  StoredFile add(String directory, String extension, byte[] content) {
    return put(directory, extension, content.clone(), content.length);
  }

  /** A file of {@code size} bytes that getFile refuses as too big. */
  StoredFile addTooLarge(String directory, String extension, long size) {
    if (size <= MAX_DOWNLOAD) {
      throw new IllegalArgumentException(size + " bytes is within the download limit");
    }
    return put(directory, extension, new byte[0], size);
  }

  private StoredFile put(String directory, String extension, byte[] content, long size) {
    lock.lock();
    try {
      int n = next++;
      // Telegram's ids are opaque base64url text; these only look the part.
      StoredFile f = new StoredFile(
          "BQACAgIAAxkBAAI" + String.format("%06d", n) + "fake_file_id",
          "AgAD" + String.format("%06d", n),
          directory + "/file_" + n + (extension.isEmpty() ? "" : "." + extension),
          content,
          size);
      byId.put(f.fileId(), f);
      byPath.put(f.path(), f);
      return f;
    } finally {
      lock.unlock();
    }
  }

  Optional<StoredFile> byId(String fileId) {
    lock.lock();
    try {
      return Optional.ofNullable(byId.get(fileId));
    } finally {
      lock.unlock();
    }
  }

  /** The downloadable file at {@code path}, recording the download. */
  Optional<StoredFile> download(String path) {
    lock.lock();
    try {
      StoredFile f = byPath.get(path);
      if (f == null || !f.downloadable()) {
        return Optional.empty();
      }
      downloads.add(path);
      return Optional.of(f);
    } finally {
      lock.unlock();
    }
  }

  List<String> downloads() {
    lock.lock();
    try {
      return List.copyOf(downloads);
    } finally {
      lock.unlock();
    }
  }
}
