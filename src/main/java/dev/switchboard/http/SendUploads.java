package dev.switchboard.http;

import java.nio.file.Path;

/**
 * What a send on request ({@code POST /api/admin/send}) may bring: at most {@code maxFiles}
 * files of at most {@code maxFileBytes} each, written to {@code incoming} while the request is
 * read when too large for memory.
 */
public record SendUploads(long maxFileBytes, int maxFiles, Path incoming) {
  /** What the text fields and the multipart framing may add to the files. */
  static final long TEXT_ROOM = 256 * 1024;

  /** The largest body a send with files can have. */
  long maxBodyBytes() {
    return maxFiles * maxFileBytes + TEXT_ROOM;
  }
}
