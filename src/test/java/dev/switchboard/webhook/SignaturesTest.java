package dev.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class SignaturesTest {
  /** GitHub's documented example ("Validating webhook deliveries"). */
  private static final String GITHUB_SECRET = "It's a Secret to Everybody";

  private static final byte[] GITHUB_PAYLOAD = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  private static final String GITHUB_SIGNATURE =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  @Test
  void githubsTestVectorMatches() {
    assertThat(Signatures.hmacMatches(GITHUB_SECRET, GITHUB_PAYLOAD, GITHUB_SIGNATURE))
        .isTrue();
    assertThat(Signatures.sign(GITHUB_SECRET, GITHUB_PAYLOAD)).isEqualTo(GITHUB_SIGNATURE);
    assertThat(Signatures.hmacMatches(
            GITHUB_SECRET,
            GITHUB_PAYLOAD,
            GITHUB_SIGNATURE.toUpperCase(Locale.ROOT).replace("SHA256", "sha256")))
        .as("hex in capitals")
        .isTrue();
  }

  @Test
  void aWrongMissingOrMalformedSignatureDoesNotMatch() {
    String other = "sha256=" + "0".repeat(64);
    assertThat(Signatures.hmacMatches(GITHUB_SECRET, GITHUB_PAYLOAD, other)).isFalse();
    assertThat(Signatures.hmacMatches(GITHUB_SECRET, GITHUB_PAYLOAD, null)).isFalse();
    assertThat(Signatures.hmacMatches(GITHUB_SECRET, GITHUB_PAYLOAD, "")).isFalse();
    assertThat(Signatures.hmacMatches(
            GITHUB_SECRET, GITHUB_PAYLOAD, GITHUB_SIGNATURE.substring("sha256=".length())))
        .as("without the sha256= prefix")
        .isFalse();
    assertThat(Signatures.hmacMatches(GITHUB_SECRET, GITHUB_PAYLOAD, GITHUB_SIGNATURE + "00"))
        .as("too long")
        .isFalse();
    assertThat(Signatures.hmacMatches(
            GITHUB_SECRET, GITHUB_PAYLOAD, GITHUB_SIGNATURE.replace("sha256", "sha1")))
        .isFalse();
    assertThat(Signatures.hmacMatches("another secret entirely", GITHUB_PAYLOAD, GITHUB_SIGNATURE))
        .as("another secret")
        .isFalse();
    assertThat(Signatures.hmacMatches(
            GITHUB_SECRET, "Hello, World?".getBytes(StandardCharsets.UTF_8), GITHUB_SIGNATURE))
        .as("another body")
        .isFalse();
  }

  @Test
  void aTokenMatchesOnlyTheSecretItself() {
    assertThat(Signatures.tokenMatches("a-long-enough-token", "a-long-enough-token"))
        .isTrue();
    assertThat(Signatures.tokenMatches("a-long-enough-token", "a-long-enough-tokeN"))
        .isFalse();
    assertThat(Signatures.tokenMatches("a-long-enough-token", null)).isFalse();
    assertThat(Signatures.tokenMatches("a-long-enough-token", "")).isFalse();
  }
}
