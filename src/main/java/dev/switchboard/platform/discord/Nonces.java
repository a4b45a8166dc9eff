package dev.switchboard.platform.discord;

import dev.switchboard.common.Sha256;
import java.util.Base64;

/**
 * Discord message nonces from idempotency keys. A nonce is at most 25 characters; the outbox's
 * keys are longer, so the nonce is the first 25 characters of the key's SHA-256 in URL-safe
 * base64 (150 bits: two keys never share one in practice).
 */
final class Nonces {
  static final int MAX_LENGTH = 25;

  private Nonces() {}

  static String of(String key) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(Sha256.of(key))
        .substring(0, MAX_LENGTH);
  }
}
