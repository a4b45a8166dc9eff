package dev.switchboard.platform.web;

import dev.switchboard.common.OwnerOnly;
import dev.switchboard.platform.PlatformRecords;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The files of the web chat's conversations: {@code web/files/<chat>/<sha256>} in the state
 * directory, each named by the SHA-256 of its content, owner-only like the conversations. A
 * file is in a conversation's folder only because it was uploaded to or sent in that
 * conversation, so "is it there" is also "may this conversation's page have it". They are kept
 * as long as the conversations (which the gateway never deletes), not with the retention of
 * the gateway's attachment store, so a conversation shows its pictures for as long as its text.
 *
 * <p>A file is written under a temporary name in {@code web/files/.incoming} and renamed into
 * place when complete; what a crash leaves there is deleted at the next start ({@link
 * #prepare}). Uploads being received are kept there too.
 *
 * <p>When several gateways share the store ({@link #share}), each file is also written there,
 * in parts of {@link PlatformRecords#MAX_DATA_BYTES}, before it counts as kept; a gateway that
 * took over copies a file it lacks from there into its own folder when the page first asks for
 * it. So the state directory is then a cache of the store.
 */
final class ChatFiles {
  private static final String INCOMING = ".incoming";

  private final Path dir;
  private volatile @Nullable PlatformRecords shared;

  /** A file kept for a conversation. */
  record Kept(String sha256, long size, Path path) {}

  /** More bytes came than the limit allows; nothing was kept. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long limit) {
      super("larger than " + limit + " bytes");
    }
  }

  ChatFiles(Path dir) {
    this.dir = dir;
  }

  /**
   * From now on, keeps each file in {@code records} too and takes from there what is not in the
   * folder (the gateways share the store); null to keep files in the folder only.
   */
  void share(@Nullable PlatformRecords records) {
    this.shared = records;
  }

  /** Where uploads are received and files written before they are complete. */
  Path incoming() {
    return dir.resolve(INCOMING);
  }

  /** Creates the folders and deletes what an earlier process left half-written. */
  void prepare() throws IOException {
    OwnerOnly.createDirectories(incoming());
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(incoming())) {
      for (Path p : leftovers) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Copies {@code in} into {@code chatId}'s files. Reads at most one byte more than {@code
   * maxBytes}: a longer stream is refused with {@link TooLarge} and leaves nothing behind.
   */
  Kept put(String chatId, InputStream in, long maxBytes) throws IOException {
    Path chat = folder(chatId);
    Path part = newPart(chat);
    try {
      MessageDigest sha = sha256();
      long size = 0;
      try (OutputStream out = Files.newOutputStream(part)) {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) != -1) {
          size += n;
          if (size > maxBytes) {
            throw new TooLarge(maxBytes);
          }
          sha.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
      }
      String name = HexFormat.of().formatHex(sha.digest());
      PlatformRecords records = shared;
      if (records != null) {
        keepShared(records, chatId, name, part);
      }
      Path target = chat.resolve(name);
      moveIntoPlace(part, target);
      return new Kept(name, size, target);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /** The file {@code sha256} of conversation {@code chatId}, if it has one by that name. */
  Optional<Path> find(String chatId, String sha256) {
    if (!ChatLogs.ID.matcher(chatId).matches() || !WebFile.REF.matcher(sha256).matches()) {
      return Optional.empty();
    }
    Path chat = folder(chatId);
    Path p = chat.resolve(sha256);
    if (Files.isRegularFile(p)) {
      return Optional.of(p);
    }
    PlatformRecords records = shared;
    return records == null ? Optional.empty() : restore(records, chat, chatId, sha256);
  }

  /**
   * Writes the file's parts, then the record that names how many there are: a file is in the
   * store only once that record is, so one cut off half-way is never served.
   */
  private static void keepShared(PlatformRecords records, String chatId, String sha256, Path file)
      throws IOException {
    int parts = 0;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] part = in.readNBytes(PlatformRecords.MAX_DATA_BYTES);
      while (part.length > 0) {
        records.putData(parts(chatId, sha256), Integer.toString(parts++), part);
        part = in.readNBytes(PlatformRecords.MAX_DATA_BYTES);
      }
      records.put(sharedFiles(chatId), sha256, Integer.toString(parts));
    } catch (UncheckedIOException e) {
      throw e.getCause(); // the store could not be reached: as a failed write of the file
    }
  }

  /**
   * Copies a file of the shared store into the folder, checking that its content is still the
   * one its name says; empty when the store has no such file.
   */
  private Optional<Path> restore(PlatformRecords records, Path chat, String chatId, String sha256) {
    Optional<PlatformRecords.Entry> kept = records.get(sharedFiles(chatId), sha256);
    if (kept.isEmpty()) {
      return Optional.empty();
    }
    try {
      int parts = Integer.parseInt(kept.get().value());
      Path target = chat.resolve(sha256);
      Path part = newPart(chat);
      try {
        MessageDigest sha = sha256();
        try (OutputStream out = Files.newOutputStream(part)) {
          for (int i = 0; i < parts; i++) {
            byte[] data = records
                .data(parts(chatId, sha256), Integer.toString(i))
                .orElseThrow(() -> new IOException("a part of the file is missing"));
            sha.update(data);
            out.write(data);
          }
        }
        if (!HexFormat.of().formatHex(sha.digest()).equals(sha256)) {
          throw new IOException("its content does not match its name");
        }
        moveIntoPlace(part, target);
        return Optional.of(target);
      } finally {
        Files.deleteIfExists(part);
      }
    } catch (IOException | NumberFormatException e) {
      throw new UncheckedIOException(new IOException(
          "cannot copy file " + sha256 + " of " + chatId + " from the shared store: "
              + e.getMessage(),
          e));
    }
  }

  /** A new temporary file to write a file of {@code chat} into, its folders made. */
  private Path newPart(Path chat) throws IOException {
    OwnerOnly.createDirectories(chat);
    OwnerOnly.createDirectories(incoming());
    return Files.createTempFile(incoming(), "file-", ".part", OwnerOnly.fileAttributes(incoming()));
  }

  private void moveIntoPlace(Path part, Path target) throws IOException {
    try {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename within " + dir, e);
    }
  }

  private static String sharedFiles(String chatId) {
    return "files:" + chatId;
  }

  private static String parts(String chatId, String sha256) {
    return "file:" + chatId + ":" + sha256;
  }

  private Path folder(String chatId) {
    if (!ChatLogs.ID.matcher(chatId).matches()) {
      throw new IllegalArgumentException("not a conversation id: " + chatId);
    }
    return dir.resolve(chatId);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
