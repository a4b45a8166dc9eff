package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
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

  /** A shared store's record, or one that cannot be reached. */
  private static final class StoreRecord implements SharedLogouts {
    volatile @Nullable String text;
    volatile boolean away;

    @Override
    public Optional<String> read() {
      if (away) {
        throw new UncheckedIOException(new IOException("the database is away"));
      }
      return Optional.ofNullable(text);
    }

    @Override
    public void write(String record) {
      if (away) {
        throw new UncheckedIOException(new IOException("the database is away"));
      }
      text = record;
    }
  }

  @Test
  void theGatewayThatTakesOverRefusesWhatWasLoggedOutOnTheOneBefore() throws IOException {
    StoreRecord store = new StoreRecord();
    Path otherHome = Files.createDirectories(home.resolve("other-machine"));
    RevokedCookies before =
        new RevokedCookies(otherHome.resolve(RevokedCookies.FILE), Duration.ofDays(30), 10);
    assertThat(before.share(store, NOW)).isTrue();
    before.revoke(second(1), "logged-out-there", NOW);
    assertThat(store.text).isNotNull().doesNotContain("logged-out-there");

    RevokedCookies next = record(10);
    next.revoke(second(2), "logged-out-here-earlier", NOW);
    assertThat(next.revoked(second(1), "logged-out-there")).isFalse();
    next.share(store, NOW);
    assertThat(next.revoked(second(1), "logged-out-there")).isTrue();
    assertThat(record(10).revoked(second(1), "logged-out-there"))
        .as("in the file too")
        .isTrue();
    assertThat(next.revoked(second(2), "logged-out-here-earlier")).isTrue();

    next.revoke(second(3), "logged-out-after", NOW);
    RevokedCookies third = new RevokedCookies(
        Files.createDirectories(home.resolve("third")).resolve(RevokedCookies.FILE),
        Duration.ofDays(30),
        10);
    third.share(store, NOW);
    for (String cookie :
        List.of("logged-out-there", "logged-out-here-earlier", "logged-out-after")) {
      assertThat(third.revoked(
              second(cookie.equals("logged-out-there") ? 1 : cookie.endsWith("earlier") ? 2 : 3),
              cookie))
          .as(cookie)
          .isTrue();
    }
    assertThat(third.revoked(second(4), "never-logged-out")).isFalse();
  }

  @Test
  void aLogoutTheStoreCouldNotTakeFailsButCountsHereAndItsRetryReachesTheStore()
      throws IOException {
    StoreRecord store = new StoreRecord();
    store.away = true;
    RevokedCookies r = record(10);
    assertThat(r.share(store, NOW)).isFalse();
    assertThatThrownBy(() -> r.revoke(second(1), "while-away", NOW))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the database is away");
    assertThat(r.revoked(second(1), "while-away")).as("refused here at once").isTrue();
    assertThat(store.text).isNull();

    store.away = false;
    r.revoke(second(1), "while-away", NOW); // the page tries again
    RevokedCookies next = new RevokedCookies(
        Files.createDirectories(home.resolve("next")).resolve(RevokedCookies.FILE),
        Duration.ofDays(30),
        10);
    assertThat(next.share(store, NOW)).isTrue();
    assertThat(next.revoked(second(1), "while-away")).isTrue();
    assertThat(next.revoked(second(3), "never")).isFalse();
  }
}
