package dev.switchboard.platform.web;

import dev.switchboard.common.OwnerOnly;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

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
 */
final class ChatFiles {
  private static final String INCOMING = ".incoming";

  private final Path dir;

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
    OwnerOnly.createDirectories(chat);
    OwnerOnly.createDirectories(incoming());
    Path part =
        Files.createTempFile(incoming(), "file-", ".part", OwnerOnly.fileAttributes(incoming()));
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
      Path target = chat.resolve(name);
      try {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename within " + dir, e);
      }
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
    Path p = folder(chatId).resolve(sha256);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
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
