package dev.switchboard.platform.whatsapp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Meta's signature of a webhook delivery: {@code X-Hub-Signature-256: sha256=<hex>}, the
 * HMAC-SHA256 of the raw body with the app secret as key. Compared in constant time, so the time
 * taken tells nothing of how much of a guess was right.
 */
final class WebhookSignature {
  static final String HEADER = "X-Hub-Signature-256";
  private static final Pattern VALUE = Pattern.compile("sha256=[0-9a-fA-F]{64}");

  private final byte[] key;

  WebhookSignature(String appSecret) {
    this.key = appSecret.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether {@code header} is {@code sha256=} and the hex HMAC-SHA256 of {@code body}. */
  boolean matches(byte[] body, @Nullable String header) {
    if (header == null || !VALUE.matcher(header.strip()).matches()) {
      return false;
    }
    byte[] given = HexFormat.of().parseHex(header.strip().substring("sha256=".length()));
    return MessageDigest.isEqual(hmac(body), given);
  }

  /** {@code sha256=<hex>}, as Meta signs {@code body}. */
  String sign(byte[] body) {
    return "sha256=" + HexFormat.of().formatHex(hmac(body));
  }

  private byte[] hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }
}
