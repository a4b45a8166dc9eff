package dev.switchboard.platform.web;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What the conversation list needs of one file, read from its two ends only, so the gateway
 * starts in the same time however long the conversations are: the title from the first message
 * of the user near the start, the time of the last line that can be read at the end.
 *
 * @param length the file's size in bytes
 * @param endsWithNewline false when the last line was cut off (a crash in the middle of a
 *     write): the next line written must start on a line of its own
 */
record IndexEntry(String title, Instant updatedAt, long length, boolean endsWithNewline) {
  /** How far into the file the title is looked for (most often it is on the second line). */
  static final int HEAD_BYTES = 256 * 1024;

  private static final int FIRST_READ = 16 * 1024;
  /** How far back the time of the last change is looked for (past damaged lines). */
  private static final long TAIL_BYTES = 1024 * 1024;

  private static final int TAIL_CHUNK = 8 * 1024;

  static IndexEntry read(Path file) throws IOException {
    long length;
    String title;
    boolean endsWithNewline;
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      length = in.length();
      title = title(in, (int) Math.min(length, FIRST_READ), length);
      if (title == null && length > FIRST_READ) {
        title = title(in, (int) Math.min(length, HEAD_BYTES), length);
      }
      endsWithNewline = length == 0 || lastByte(in, length) == '\n';
    }
    return new IndexEntry(
        title == null ? ChatSummary.UNTITLED : title,
        lastTime(file, length),
        length,
        endsWithNewline);
  }

  private static @Nullable String title(RandomAccessFile in, int head, long length)
      throws IOException {
    byte[] bytes = new byte[head];
    in.seek(0);
    in.readFully(bytes);
    int lineStart = 0;
    for (int i = 0; i <= bytes.length; i++) {
      boolean lineEnds = i < bytes.length ? bytes[i] == '\n' : head == length;
      if (!lineEnds) {
        continue;
      }
      byte[] line = Arrays.copyOfRange(bytes, lineStart, Math.min(i, bytes.length));
      lineStart = i + 1;
      ChatLine.Parsed parsed = ChatLine.parse(line);
      WebMessage m = parsed == null ? null : parsed.message();
      if (m != null && m.role().equals(WebMessage.USER) && !m.text().isBlank()) {
        return ChatSummary.titleOf(m.text());
      }
    }
    return null;
  }

  private static int lastByte(RandomAccessFile in, long length) throws IOException {
    in.seek(length - 1);
    return in.read();
  }

  /** The time of the last line that can be read, or the file's when none near the end can. */
  private static Instant lastTime(Path file, long length) throws IOException {
    long scanned = 0;
    try (ReverseLines in = new ReverseLines(file, length, TAIL_CHUNK, PageReader.MAX_LINE)) {
      for (ReverseLines.Line line = in.previous();
          line != null && scanned < TAIL_BYTES;
          line = in.previous()) {
        byte[] bytes = line.bytes();
        scanned += bytes == null ? PageReader.MAX_LINE : bytes.length + 1;
        ChatLine.Parsed parsed = bytes == null ? null : ChatLine.parse(bytes);
        if (parsed != null) {
          return parsed.at();
        }
      }
    }
    return Files.getLastModifiedTime(file).toInstant();
  }
}
