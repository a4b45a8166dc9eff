package dev.switchboard.common;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/** Comparing secrets without telling an attacker, by timing, how much of a guess was right. */
public final class ConstantTime {
  private ConstantTime() {}

  /**
   * Whether {@code candidate} equals {@code secret}. Both are hashed first, so the time taken
   * depends on neither their contents nor their lengths.
   */
  public static boolean secretEquals(String secret, String candidate) {
    if (secret == null || candidate == null) {
      return false;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] a = sha.digest(secret.getBytes(StandardCharsets.UTF_8));
      byte[] b = sha.digest(candidate.getBytes(StandardCharsets.UTF_8));
      return MessageDigest.isEqual(a, b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
