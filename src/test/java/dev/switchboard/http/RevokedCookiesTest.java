package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevokedCookiesTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @TempDir
  Path home;

  private RevokedCookies record(int maxEntries) {
    return new RevokedCookies(home.resolve(RevokedCookies.FILE), Duration.ofDays(30), maxEntries);
  }

  private static long second(int n) {
    return NOW.getEpochSecond() - 1000 + n;
  }

  @Test
  void aRevokedCookieIsRefusedByEveryReaderOfTheFileAndOnlyItsHashIsKept() throws IOException {
    RevokedCookies one = record(10);
    RevokedCookies other = record(10); // another process, or the admin page's
    one.revoke(second(1), "cookie-one", NOW);
    assertThat(other.revoked(second(1), "cookie-one")).isTrue();
    assertThat(other.revoked(second(1), "cookie-two")).isFalse();
    assertThat(Files.readString(home.resolve(RevokedCookies.FILE))).doesNotContain("cookie-one");
  }

  @Test
  void beyondItsBoundTheOldestGoButNoRevokedCookieComesBack() throws IOException {
    RevokedCookies r = record(3);
    for (int i = 1; i <= 8; i++) {
      r.revoke(second(i), "cookie-" + i, NOW);
    }
    assertThat(r.size()).isLessThanOrEqualTo(3);
    for (int i = 1; i <= 8; i++) {
      assertThat(record(3).revoked(second(i), "cookie-" + i)).as("cookie-" + i).isTrue();
    }
    assertThat(r.revoked(second(9), "cookie-9")).isFalse();
  }

  @Test
  void aCookiePastItsLifetimeLeavesTheRecord() throws IOException {
    RevokedCookies r = record(10);
    r.revoke(second(1), "old", NOW);
    r.revoke(second(2), "new", NOW.plus(Duration.ofDays(31)));
    assertThat(r.size()).isEqualTo(1);
  }

  @Test
  void anUnreadableRecordRefusesEveryCookieAndRefusesToAddOne() throws IOException {
    Files.createDirectory(home.resolve(RevokedCookies.FILE)); // readable as a file it is not
    RevokedCookies r = record(10);
    assertThat(r.revoked(second(1), "any")).isTrue();
    assertThatThrownBy(() -> r.revoke(second(1), "any", NOW))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(RevokedCookies.FILE);
  }
}
