package dev.switchboard.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests, without the checked exception no Java platform throws (every one has
 * SHA-256): for ids made from keys (a platform's idempotency token from an outbox key) and
 * fingerprints of content.
 */
public final class Sha256 {
  private Sha256() {}

  public static byte[] of(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** Of the text's UTF-8 bytes. */
  public static byte[] of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The first {@code bytes} bytes of the digest of {@code text}, in lower-case hex. */
  public static String hexPrefix(String text, int bytes) {
    return HexFormat.of().formatHex(of(text), 0, bytes);
  }

  /** The first {@code bytes} bytes of the digest of {@code content}, in lower-case hex. */
  public static String hexPrefix(byte[] content, int bytes) {
    return HexFormat.of().formatHex(of(content), 0, bytes);
  }
}
