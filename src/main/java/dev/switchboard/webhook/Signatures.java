package dev.switchboard.webhook;

import dev.switchboard.common.ConstantTime;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Whether a request comes from who holds a route's secret: an HMAC-SHA256 of the raw body in
 * GitHub's form ({@code X-Hub-Signature-256: sha256=<hex>}), or the secret itself in a header.
 * Both compare in constant time, so the time taken tells nothing of how much of a guess was
 * right.
 */
final class Signatures {
  /** GitHub's header for the HMAC-SHA256 signature of the body. */
  static final String HMAC_HEADER = "X-Hub-Signature-256";

  private static final Pattern HMAC_VALUE = Pattern.compile("sha256=[0-9a-fA-F]{64}");

  private Signatures() {}

  /** Whether {@code header} is {@code sha256=} and the hex HMAC-SHA256 of {@code body}. */
  static boolean hmacMatches(String secret, byte[] body, @Nullable String header) {
    if (header == null || !HMAC_VALUE.matcher(header.strip()).matches()) {
      return false;
    }
    byte[] given = HexFormat.of().parseHex(header.strip().substring("sha256=".length()));
    return MessageDigest.isEqual(hmac(secret, body), given);
  }

  /** Whether {@code header} is the secret itself. */
  static boolean tokenMatches(String secret, @Nullable String header) {
    return header != null && ConstantTime.secretEquals(secret, header.strip());
  }

  /** {@code sha256=<hex>}, as a sender signs {@code body}; for tests and for the docs' example. */
  static String sign(String secret, byte[] body) {
    return "sha256=" + HexFormat.of().formatHex(hmac(secret, body));
  }

  private static byte[] hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }
}
