package dev.switchboard.auth;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * One-time pairing codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
 * drawn from a cryptographic RNG: 32^8, about 10^12, codes, which a rate-limited stranger
 * cannot guess within an hour.
 */
public final class PairingCodes {
  static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  public static final int LENGTH = 8;

  private final SecureRandom random;

  public PairingCodes(SecureRandom random) {
    this.random = random;
  }

  public String next() {
    char[] code = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      code[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }
    return new String(code);
  }

  /** Upper-cases and drops spaces and dashes, so "abcd-2345 efgh" matches "ABCD2345EFGH". */
  public static String normalize(String typed) {
    return typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
  }
}
