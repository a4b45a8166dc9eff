package dev.switchboard.media;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How much attachment data the gateway takes in.
 *
 * @param maxFileBytes the largest single file it fetches; a larger one is refused with a word
 *     to the user, whatever the platform would allow
 * @param maxTotalBytes what the attachment store may hold in all; a file that would go past it
 *     is refused until retention frees room
 * @param outboundDir the folder whose files a reply may send with a {@code MEDIA:} line; null
 *     when replies may send no local file
 * @param fetchPrivateAddresses whether an image address in a reply may lead to this machine or
 *     a private network
 * @param documentChars most characters of a document's text given to the agent
 */
public record MediaSettings(
    long maxFileBytes,
    long maxTotalBytes,
    @Nullable Path outboundDir,
    boolean fetchPrivateAddresses,
    int documentChars) {
  private static final long MB = 1024L * 1024;
  private static final int DEFAULT_FILE_MB = 25;
  private static final int DEFAULT_TOTAL_MB = 2048;
  private static final int DEFAULT_DOCUMENT_CHARS = 20_000;

  public static final ConfigKey<Integer> MAX_FILE_MB = ConfigKey.optional(
      "media.max_file_mb",
      "SWITCHBOARD_MEDIA_MAX_FILE_MB",
      ValueType.integer(1, 2048),
      DEFAULT_FILE_MB,
      "The largest file (MiB) the gateway fetches from a chat or sends (in a reply, or on"
          + " request with switchboard send --file); larger ones are refused with a word to the"
          + " user. Platforms have their own limits too (Telegram lets bots download"
          + " 20 MB).");

  public static final ConfigKey<Integer> MAX_TOTAL_MB = ConfigKey.optional(
      "media.max_total_mb",
      "SWITCHBOARD_MEDIA_MAX_TOTAL_MB",
      ValueType.integer(1, 1_048_576),
      DEFAULT_TOTAL_MB,
      "What the attachment store in the state directory may hold in all (MiB); files are"
          + " deleted with the retention of their messages (store.retention.delivered).");

  public static final ConfigKey<String> OUTBOUND_DIR = ConfigKey.optional(
      "media.outbound_dir",
      "SWITCHBOARD_MEDIA_OUTBOUND_DIR",
      ValueType.string(),
      null,
      "A folder whose files the agent may send by writing a line 'MEDIA: <path>' in a reply"
          + " (a path inside it, or relative to it); unset: no local file is ever sent. A path"
          + " outside it, also through a link, is refused and logged.");

  public static final ConfigKey<Boolean> FETCH_PRIVATE_ADDRESSES = ConfigKey.optional(
      "media.fetch_private_addresses",
      "SWITCHBOARD_MEDIA_FETCH_PRIVATE_ADDRESSES",
      ValueType.bool(),
      false,
      "Whether an image address (https:) in a reply may lead to this machine or a private"
          + " network; off, so a reply cannot make the gateway fetch from inside it.");

  public static final ConfigKey<Integer> DOCUMENT_CHARS = ConfigKey.optional(
      "media.document_chars",
      "SWITCHBOARD_DOCUMENT_CHARS",
      ValueType.integer(1000, 1_000_000),
      DEFAULT_DOCUMENT_CHARS,
      "Most characters of a document's text (text files, PDFs) given to a model that takes only"
          + " text; a longer one is cut with a note saying how much was shown.");

  public static final MediaSettings DEFAULTS = new MediaSettings(
      DEFAULT_FILE_MB * MB, DEFAULT_TOTAL_MB * MB, null, false, DEFAULT_DOCUMENT_CHARS);

  public MediaSettings(long maxFileBytes, long maxTotalBytes) {
    this(maxFileBytes, maxTotalBytes, null, false, DEFAULT_DOCUMENT_CHARS);
  }

  public MediaSettings(
      long maxFileBytes,
      long maxTotalBytes,
      @Nullable Path outboundDir,
      boolean fetchPrivateAddresses) {
    this(maxFileBytes, maxTotalBytes, outboundDir, fetchPrivateAddresses, DEFAULT_DOCUMENT_CHARS);
  }

  public static List<ConfigKey<?>> configKeys() {
    return List.of(
        MAX_FILE_MB, MAX_TOTAL_MB, OUTBOUND_DIR, FETCH_PRIVATE_ADDRESSES, DOCUMENT_CHARS);
  }

  public static MediaSettings from(Config config) {
    @Nullable String dir = config.get(OUTBOUND_DIR);
    return new MediaSettings(
        config.get(MAX_FILE_MB) * MB,
        config.get(MAX_TOTAL_MB) * MB,
        dir == null || dir.isBlank() ? null : Path.of(dir.strip()),
        config.get(FETCH_PRIVATE_ADDRESSES),
        config.get(DOCUMENT_CHARS));
  }
}
