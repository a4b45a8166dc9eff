package dev.switchboard.common;

import java.util.Locale;

/** A file's size as a message to a person says it: "25 MB", "1.5 MB", "300 KB", "20 bytes". */
public final class SpokenSize {
  private static final long KB = 1024;
  private static final long MB = KB * KB;

  private SpokenSize() {}

  public static String of(long bytes) {
    if (bytes < KB) {
      return bytes + " bytes";
    }
    boolean mega = bytes >= MB;
    double n = (double) bytes / (mega ? MB : KB);
    return (n == Math.rint(n) ? String.valueOf((long) n) : String.format(Locale.ROOT, "%.1f", n))
        + (mega ? " MB" : " KB");
  }
}
