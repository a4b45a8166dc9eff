package dev.switchboard.media;

import dev.switchboard.common.OwnerOnly;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Attachment bytes kept in the state directory, each file named by the SHA-256 of its content:
 * the same picture sent twice is kept once, and a process that restarts finds what the last
 * one fetched instead of fetching it again. The directory is the owner's only (0700) and every
 * file 0600, like the rest of the state directory: a user's photos are as private as their
 * words.
 *
 * <p>A file is written under a temporary name and renamed into place when complete, so a name
 * that exists always has all its bytes; a crash mid-copy leaves only a {@code .part} file,
 * which {@link #sweep} removes.
 *
 * <p>A file being sent on request ({@code switchboard send --file}) belongs to no message the
 * journal keeps; it is {@linkplain #hold held} while its send lasts, and the sweep leaves it.
 */
public final class AttachmentStore {
  private static final Pattern NAME = Pattern.compile("[0-9a-f]{64}");
  private static final String PART = ".part";
  private static final String INCOMING = ".incoming";

  private final Path dir;
  /** How many holds each file has: held files are never swept. */
  private final ConcurrentHashMap<String, Integer> holds = new ConcurrentHashMap<>();

  /** A file in the store: its content's SHA-256 (lower-case hex), size and where it is. */
  public record StoredFile(String sha256, long size, Path path) {}

  /** Keeps a file from the sweep until closed; closing it twice is harmless. */
  public final class Hold implements AutoCloseable {
    private final String sha256;
    private boolean closed;

    private Hold(String sha256) {
      this.sha256 = sha256;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        holds.computeIfPresent(sha256, (name, n) -> n == 1 ? null : n - 1);
      }
    }
  }

  /** More bytes came than the limit allows; nothing was kept. */
  public static final class TooLargeException extends IOException {
    private final long limit;

    TooLargeException(long limit) {
      super("larger than " + limit + " bytes");
      this.limit = limit;
    }

    public long limit() {
      return limit;
    }
  }

  public AttachmentStore(Path dir) {
    this.dir = dir;
  }

  /** The store in a state directory: {@code <home>/attachments}. */
  public static AttachmentStore in(Path home) {
    return new AttachmentStore(home.resolve("attachments"));
  }

  public Path directory() {
    return dir;
  }

  /**
   * Copies {@code in} into the store and returns where it is kept. Reads at most one byte more
   * than {@code maxBytes}: a longer stream is refused with {@link TooLargeException} and leaves
   * nothing behind.
   */
  public StoredFile put(InputStream in, long maxBytes) throws IOException {
    OwnerOnly.createDirectories(dir);
    Path part = Files.createTempFile(dir, "incoming-", PART, OwnerOnly.fileAttributes(dir));
    try {
      MessageDigest sha = sha256();
      long size = 0;
      try (OutputStream out = Files.newOutputStream(part)) {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) != -1) {
          size += n;
          if (size > maxBytes) {
            throw new TooLargeException(maxBytes);
          }
          sha.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
      }
      String name = HexFormat.of().formatHex(sha.digest());
      Path target = dir.resolve(name);
      moveIntoPlace(part, target);
      return new StoredFile(name, size, target);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /**
   * Keeps {@code file} from the sweep until the hold is closed, whatever the journal says: for
   * a file whose send is under way. Taken right after {@link #put}, while the file is younger
   * than any sweep's {@code notAfter}.
   */
  public Hold hold(StoredFile file) {
    holds.merge(file.sha256(), 1, Integer::sum);
    return new Hold(file.sha256());
  }

  /**
   * Where uploads wait while the request that brings them is read (files too large for
   * memory); made, owner-only, by whoever writes there first. The sweep deletes what a request
   * left there (a process that died while reading it).
   */
  public Path incoming() {
    return dir.resolve(INCOMING);
  }

  /** Keeps {@code bytes}; see {@link #put(InputStream, long)}. */
  public StoredFile put(byte[] bytes) throws IOException {
    return put(new ByteArrayInputStream(bytes), bytes.length);
  }

  /** The file with this content hash, if the store has it. */
  public Optional<StoredFile> find(String sha256) {
    if (!NAME.matcher(sha256).matches()) {
      return Optional.empty();
    }
    Path p = dir.resolve(sha256);
    try {
      return Optional.of(new StoredFile(sha256, Files.size(p), p));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Bytes the store holds now, in complete files. */
  public long totalBytes() throws IOException {
    long total = 0;
    for (Path p : files()) {
      try {
        total += Files.size(p);
      } catch (NoSuchFileException e) {
        // swept meanwhile
      }
    }
    return total;
  }

  /**
   * Deletes every file that {@code inUse} does not claim, nobody {@linkplain #hold holds} and
   * that was last written before {@code notAfter} (a file fetched a moment ago may belong to a
   * message not yet recorded), and every leftover {@code .part} file and {@linkplain #incoming
   * upload} from before it. Returns how many were deleted.
   */
  public int sweep(Predicate<String> inUse, Instant notAfter) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int deleted = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        boolean leftover = name.endsWith(PART);
        if (!leftover
            && (!NAME.matcher(name).matches() || inUse.test(name) || holds.containsKey(name))) {
          continue;
        }
        if (deleteIfBefore(p, notAfter)) {
          deleted++;
        }
      }
    }
    Path in = dir.resolve(INCOMING);
    if (Files.isDirectory(in)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(in)) {
        for (Path p : entries) {
          if (deleteIfBefore(p, notAfter)) {
            deleted++;
          }
        }
      }
    }
    return deleted;
  }

  private static boolean deleteIfBefore(Path p, Instant notAfter) throws IOException {
    FileTime written;
    try {
      written = Files.getLastModifiedTime(p);
    } catch (NoSuchFileException e) {
      return false;
    }
    return written.toInstant().isBefore(notAfter) && Files.deleteIfExists(p);
  }

  private Iterable<Path> files() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(
        dir, p -> NAME.matcher(p.getFileName().toString()).matches())) {
      List<Path> all = new ArrayList<>();
      entries.forEach(all::add);
      return all;
    }
  }

  private static void moveIntoPlace(Path part, Path target) throws IOException {
    try {
      // Replaces a file with the same content, which also renews its time for the sweep.
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename within " + part.getParent(), e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
