package dev.switchboard.media;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import java.util.List;

/**
 * How much attachment data the gateway takes in.
 *
 * @param maxFileBytes the largest single file it fetches; a larger one is refused with a word
 *     to the user, whatever the platform would allow
 * @param maxTotalBytes what the attachment store may hold in all; a file that would go past it
 *     is refused until retention frees room
 */
public record MediaSettings(long maxFileBytes, long maxTotalBytes) {
  private static final long MB = 1024L * 1024;
  private static final int DEFAULT_FILE_MB = 25;
  private static final int DEFAULT_TOTAL_MB = 2048;

  public static final ConfigKey<Integer> MAX_FILE_MB = ConfigKey.optional(
      "media.max_file_mb",
      "SWITCHBOARD_MEDIA_MAX_FILE_MB",
      ValueType.integer(1, 2048),
      DEFAULT_FILE_MB,
      "The largest file (MiB) the gateway fetches from a chat; larger ones are refused with a"
          + " word to the user. Platforms have their own limits too (Telegram lets bots download"
          + " 20 MB).");

  public static final ConfigKey<Integer> MAX_TOTAL_MB = ConfigKey.optional(
      "media.max_total_mb",
      "SWITCHBOARD_MEDIA_MAX_TOTAL_MB",
      ValueType.integer(1, 1_048_576),
      DEFAULT_TOTAL_MB,
      "What the attachment store in the state directory may hold in all (MiB); files are"
          + " deleted with the retention of their messages (store.retention.delivered).");

  public static final MediaSettings DEFAULTS =
      new MediaSettings(DEFAULT_FILE_MB * MB, DEFAULT_TOTAL_MB * MB);

  public static List<ConfigKey<?>> configKeys() {
    return List.of(MAX_FILE_MB, MAX_TOTAL_MB);
  }

  public static MediaSettings from(Config config) {
    return new MediaSettings(config.get(MAX_FILE_MB) * MB, config.get(MAX_TOTAL_MB) * MB);
  }
}
