package dev.switchboard.common;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Replaces a file so that a reader (or a crash) sees either the old content or the new one,
 * never a mix: write a temporary file in the same directory, force it to disk, rename it over
 * the target, then force the directory entry.
 *
 * <p>Writes go through {@link FileOutputStream}, not a {@code FileChannel}: a channel is closed
 * when its thread is interrupted, and the state file is written from turn threads, which the
 * stop interrupts. A pending interrupt is set aside for the write and restored after it.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  public static void write(Path target, byte[] content) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      writeUninterrupted(target, content);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void writeUninterrupted(Path target, byte[] content) throws IOException {
    // An absolute path to a file always has a parent.
    Path dir = Objects.requireNonNull(target.toAbsolutePath().getParent(), "parent");
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    boolean moved = false;
    try {
      try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
        out.write(content);
        out.getFD().sync();
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
      forceDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static void forceDirectory(Path dir) {
    // Linux lets us fsync a directory opened read-only; other systems may refuse, and the
    // rename is still atomic there, only its durability across power loss is weaker.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // best effort, see above
    }
  }
}
