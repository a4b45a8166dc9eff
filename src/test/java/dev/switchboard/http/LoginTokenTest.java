package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void aConfiguredTokenIsUsedWithoutTheFileAndItsCookiesServeEveryGatewayGivenIt(
      @TempDir Path other) throws Exception {
    String shared = "0123456789abcdef-cluster";
    LoginToken a = LoginToken.configured(shared, home, "http.login_token");
    LoginToken b = LoginToken.configured(" " + shared + "\n", other, "http.login_token");
    Instant now = Instant.parse("2026-12-04T00:00:00Z");
    assertThat(b.accepts(a.cookieValue(now), now)).isTrue();
    assertThat(a.matches(shared)).isTrue();
    assertThat(a.createdNow()).isFalse();
    assertThat(a.where()).isEqualTo("the setting http.login_token");
    assertThat(a.whereForClients())
        .isEqualTo("the setting http.login_token of Switchboard's configuration");
    assertThat(LoginToken.loadOrCreate(other).whereForClients())
        .isEqualTo("the file web_token in Switchboard's state directory");
    assertThat(Files.exists(home.resolve(LoginToken.FILE))).isFalse();
    assertThat(
            LoginToken.configured("another-token-123", home, "x").accepts(a.cookieValue(now), now))
        .isFalse();
    assertThatThrownBy(() -> LoginToken.configured("short-token", home, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("has 11 characters; use at least 16 (e.g. openssl rand -hex 32)");
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
