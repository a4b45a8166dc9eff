package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginTokenTest {
  @TempDir
  Path home;

  @Test
  void theTokenIsMadeOnceOwnerOnlyAndKept() throws Exception {
    LoginToken first = LoginToken.loadOrCreate(home);
    assertThat(first.createdNow()).isTrue();
    assertThat(first.reveal()).hasSizeGreaterThanOrEqualTo(43); // 32 random bytes
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file())))
        .isEqualTo("rw-------");
    LoginToken again = LoginToken.loadOrCreate(home);
    assertThat(again.createdNow()).isFalse();
    assertThat(again.reveal()).isEqualTo(first.reveal());
    assertThat(again.matches(" " + first.reveal() + "\n")).isTrue();
    assertThat(again.matches(first.reveal() + "x")).isFalse();
    assertThat(again.toString()).doesNotContain(first.reveal());
  }

  @Test
  void aCookieIsValidForThirtyDaysAndCannotBeForged() throws Exception {
    LoginToken token = LoginToken.loadOrCreate(home);
    Instant issued = Instant.parse("2026-11-01T00:00:00Z");
    String cookie = token.cookieValue(issued);
    assertThat(cookie).doesNotContain(token.reveal());
    assertThat(token.accepts(cookie, issued)).isTrue();
    assertThat(token.accepts(cookie, issued.plus(Duration.ofDays(30)))).isTrue();
    assertThat(token.accepts(cookie, issued.plus(Duration.ofDays(30)).plusSeconds(1)))
        .isFalse();
    // moving the issue time forward breaks the MAC
    String later =
        issued.plus(Duration.ofDays(29)).getEpochSecond() + cookie.substring(cookie.indexOf('.'));
    assertThat(token.accepts(later, issued.plus(Duration.ofDays(31)))).isFalse();
    // issued "in the future" beyond clock skew
    assertThat(token.accepts(token.cookieValue(issued.plus(Duration.ofHours(1))), issued))
        .isFalse();
    for (String junk : new String[] {null, "", ".", "abc.def", "1.", cookie + "x"}) {
      assertThat(token.accepts(junk, issued)).as(junk).isFalse();
    }
    Files.delete(token.file());
    assertThat(LoginToken.loadOrCreate(home).accepts(cookie, issued)).isFalse();
  }

  @Test
  void aFileWithoutAUsableTokenIsAnErrorNamingIt() throws Exception {
    Files.writeString(home.resolve(LoginToken.FILE), "short\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoginToken.loadOrCreate(home))
        .hasMessageContaining(LoginToken.FILE)
        .hasMessageContaining("delete it");
  }
}
