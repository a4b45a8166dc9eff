package dev.switchboard.platform.web;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The lines of a file from a given offset back towards its start, read in chunks: memory holds
 * one chunk and the line being assembled, never the file. A line longer than {@code maxLine}
 * bytes is no line this gateway wrote: it is passed over without being held, and returned
 * without bytes.
 *
 * <p>A {@link RandomAccessFile}, not a {@code FileChannel}: a channel is closed when its thread
 * is interrupted, and the pages are read on request threads the server's stop interrupts.
 */
final class ReverseLines implements Closeable {
  /** A line without its {@code \n}: where it starts, and its bytes (null when too long). */
  static final class Line {
    private final long offset;
    private final byte @Nullable [] bytes;

    Line(long offset, byte @Nullable [] bytes) {
      this.offset = offset;
      this.bytes = bytes;
    }

    long offset() {
      return offset;
    }

    byte @Nullable [] bytes() {
      return bytes;
    }
  }

  private final RandomAccessFile file;
  private final int chunk;
  private final int maxLine;
  /** File bytes [dataStart, dataStart + dataLength) not returned yet, at the start of data. */
  private byte[] data = new byte[0];

  private int dataLength;
  private long dataStart;
  /** Where the next line to return ends: a line start (0, or just after a {@code \n}) or EOF. */
  private long end;

  /** Reads {@code file}'s lines that end at or before {@code end}, the last one first. */
  ReverseLines(Path file, long end, int chunk, int maxLine) throws IOException {
    this.file = new RandomAccessFile(file.toFile(), "r");
    this.chunk = chunk;
    this.maxLine = maxLine;
    this.end = Math.min(end, this.file.length());
    this.dataStart = this.end;
  }

  /** The line before the last one returned, or null at the start of the file. */
  @Nullable
  Line previous() throws IOException {
    if (end <= 0) {
      return null;
    }
    loadFrom(end - 1);
    long stop = data[(int) (end - 1 - dataStart)] == '\n' ? end - 1 : end;
    long searchBelow = stop;
    boolean dropped = false;
    while (true) {
      for (long p = searchBelow - 1; p >= dataStart; p--) {
        if (data[(int) (p - dataStart)] == '\n') {
          return take(p + 1, stop, dropped);
        }
      }
      if (dataStart == 0) {
        return take(0, stop, dropped);
      }
      searchBelow = dataStart;
      if (dropped || stop - dataStart > maxLine) {
        // Too long to be a line of ours: the chunk before is read on its own, nothing kept.
        dropped = true;
        long from = Math.max(0, dataStart - chunk);
        dataLength = (int) (dataStart - from);
        data = new byte[dataLength];
        file.seek(from);
        file.readFully(data);
        dataStart = from;
      } else {
        prependChunk();
      }
    }
  }

  private Line take(long start, long stop, boolean dropped) {
    byte[] bytes = dropped || stop - start > maxLine
        ? null
        : Arrays.copyOfRange(data, (int) (start - dataStart), (int) (stop - dataStart));
    dataLength = (int) (start - dataStart);
    end = start;
    return new Line(start, bytes);
  }

  /** Makes sure the bytes from {@code position} to {@link #end} are in memory. */
  private void loadFrom(long position) throws IOException {
    while (position < dataStart) {
      prependChunk();
    }
  }

  private void prependChunk() throws IOException {
    long from = Math.max(0, dataStart - chunk);
    int length = (int) (dataStart - from);
    byte[] joined = new byte[length + dataLength];
    file.seek(from);
    file.readFully(joined, 0, length);
    System.arraycopy(data, 0, joined, length, dataLength);
    data = joined;
    dataLength = joined.length;
    dataStart = from;
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
