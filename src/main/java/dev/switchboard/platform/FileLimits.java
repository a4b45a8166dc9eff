package dev.switchboard.platform;

/**
 * What a platform lets through as files.
 *
 * @param maxDownloadBytes the largest file its API hands out to a bot (Telegram's getFile: 20
 *     MB); 0 when it hands out none
 * @param maxUploadBytes the largest file a bot may send (Telegram 50 MB, Discord 25 MB); 0 when
 *     it takes none
 * @param maxCaptionLength the longest text that can go with a file in the same message, in the
 *     unit of {@link PlatformLimits#maxMessageLength}; 0 when a file takes no text
 */
public record FileLimits(long maxDownloadBytes, long maxUploadBytes, int maxCaptionLength) {
  /** A platform that passes no files. */
  public static final FileLimits NONE = new FileLimits(0, 0, 0);

  private static final long MB = 1024L * 1024;

  public FileLimits {
    if (maxDownloadBytes < 0 || maxUploadBytes < 0 || maxCaptionLength < 0) {
      throw new IllegalArgumentException("file limits cannot be negative");
    }
  }

  /** Sizes in whole mebibytes, as platforms document them. */
  public static FileLimits megabytes(int download, int upload, int maxCaptionLength) {
    return new FileLimits(download * MB, upload * MB, maxCaptionLength);
  }
}
