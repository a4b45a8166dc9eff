package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sha256Test {
  /** FIPS 180-2's example: SHA-256("abc"). */
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void digestsAsTheStandardSays() {
    assertThat(HexFormat.of().formatHex(Sha256.of("abc"))).isEqualTo(ABC);
    assertThat(HexFormat.of().formatHex(Sha256.of("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo(ABC);
  }

  @Test
  void aHexPrefixIsTheDigestsFirstBytes() {
    assertThat(Sha256.hexPrefix("abc", 8)).isEqualTo(ABC.substring(0, 16));
    assertThat(Sha256.hexPrefix("abc".getBytes(StandardCharsets.UTF_8), 16))
        .isEqualTo(ABC.substring(0, 32));
  }
}
