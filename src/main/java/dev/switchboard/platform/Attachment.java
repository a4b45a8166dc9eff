package dev.switchboard.platform;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A file that came with a message, as its platform describes it. The bytes stay with the
 * platform until the gateway asks the adapter for them ({@link PlatformAdapter#download}); once
 * they are in the gateway's attachment store, {@link #sha256} names them there, and a restart
 * neither fetches them again nor loses them.
 *
 * @param mimeType as the platform states it, or a guess from the kind ({@code image/jpeg} for a
 *     Telegram photo); {@code application/octet-stream} when nothing is known
 * @param size in bytes as the platform states it, or -1 when it does not say
 * @param fileName the name the sender's file had, or null (a photo or a voice note has none)
 * @param ref the platform's handle for the bytes: a Telegram {@code file_id}, a Discord CDN URL,
 *     a Slack {@code url_private}; never shown to users
 * @param sha256 the content's SHA-256 in the attachment store, or null until it is there
 */
public record Attachment(
    AttachmentKind kind,
    String mimeType,
    long size,
    @Nullable String fileName,
    String ref,
    @Nullable String sha256) {
  public static final String UNKNOWN_TYPE = "application/octet-stream";

  public Attachment {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(mimeType, "mimeType");
    Objects.requireNonNull(ref, "ref");
  }

  /** Described by the platform, not fetched yet. */
  public Attachment(
      AttachmentKind kind, String mimeType, long size, @Nullable String fileName, String ref) {
    this(kind, mimeType, size, fileName, ref, null);
  }

  /** The same attachment once its bytes are in the store. */
  public Attachment stored(String sha256, long size) {
    return new Attachment(kind, mimeType, size, fileName, ref, sha256);
  }

  /** How a user would name it in a sentence: "photo.jpg", or "an image" when it has no name. */
  public String describe() {
    if (fileName != null && !fileName.isBlank()) {
      return fileName;
    }
    return switch (kind) {
      case IMAGE -> "an image";
      case VOICE -> "a voice note";
      case AUDIO -> "an audio file";
      case VIDEO -> "a video";
      case DOCUMENT -> "a file";
      case STICKER -> "a sticker";
    };
  }
}
