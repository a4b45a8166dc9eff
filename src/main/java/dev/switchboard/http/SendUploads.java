package dev.switchboard.http;

import java.nio.file.Path;

/**
 * What a send on request ({@code POST /api/admin/send}) may bring: at most {@code maxFiles}
 * files of at most {@code maxFileBytes} each, written to {@code incoming} while the request is
 * read when too large for memory.
 */
public record SendUploads(long maxFileBytes, int maxFiles, Path incoming) {
  /** The form's three text fields are target, text and idempotency_key. */
  MultipartUpload.Rules rules() {
    return new MultipartUpload.Rules(
        maxFileBytes,
        maxFiles,
        3,
        "send",
        "sends",
        "the \"target\", \"text\" or \"idempotency_key\"");
  }
}
