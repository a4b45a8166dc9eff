package dev.switchboard.platform.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.switchboard.platform.email.AuthenticationResults.Check;
import dev.switchboard.platform.email.AuthenticationResults.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 8601 headers as receiving servers write them, and what they vouch for. */
class AuthenticationResultsTest {

  @Test
  void commentsNestedOrNotAreStripped() {
    AuthenticationResults r =
        AuthenticationResults.parse("mx.example.org (Postfix (with (nested) comments));"
            + " dkim=pass (2048-bit key (rsa); unprotected) header.d=example.com"
            + " header.s=sel (selector)");
    assertThat(r.authservId()).isEqualTo("mx.example.org");
    assertThat(r.checks()).hasSize(1);
    Check dkim = r.checks().getFirst();
    assertThat(dkim.method()).isEqualTo("dkim");
    assertThat(dkim.result()).isEqualTo("pass");
    assertThat(dkim.properties())
        .containsExactly(entry("header.d", "example.com"), entry("header.s", "sel"));
    assertThat(AuthenticationResults.withoutComments("a (b (c) d) e")).isEqualTo("a   e");
  }

  @Test
  void aParenthesisInsideAQuotedValueIsNoComment() {
    AuthenticationResults r = AuthenticationResults.parse(
        "mx.example.org; dkim=pass header.d=\"example.com\" header.b=\"ab(c); d\"");
    assertThat(r.checks()).hasSize(1);
    assertThat(r.checks().getFirst().properties())
        .containsEntry("header.d", "example.com")
        .containsEntry("header.b", "ab(c); d");
    assertThat(r.vouchesFor("example.com").vouched()).isTrue();
  }

  @Test
  void aQuotedResultIsUnquoted() {
    AuthenticationResults r = AuthenticationResults.parse(
        "mx.example.org; spf=\"pass\" smtp.mailfrom=\"bob@example.com\"");
    assertThat(r.checks().getFirst().result()).isEqualTo("pass");
    assertThat(r.checks().getFirst().properties())
        .containsEntry("smtp.mailfrom", "bob@example.com");
  }

  @Test
  void aDkimPassForTheFromDomainOrItsParentVouches() {
    AuthenticationResults r =
        AuthenticationResults.parse("mx.example.org; dkim=pass header.d=example.com");
    Verdict same = r.vouchesFor("example.com");
    assertThat(same.vouched()).isTrue();
    assertThat(same.why()).isEqualTo("dkim passed for example.com");
    assertThat(r.vouchesFor("sub.example.com").vouched()).isTrue();
    assertThat(r.vouchesFor("EXAMPLE.COM").vouched()).isTrue();
  }

  @Test
  void aDomainThatOnlyEndsTheSameIsNotAligned() {
    AuthenticationResults r =
        AuthenticationResults.parse("mx.example.org; dkim=pass header.d=example.com");
    assertThat(r.vouchesFor("notexample.com").vouched()).isFalse();
    assertThat(AuthenticationResults.aligned("mail.example.com", "example.com")).isTrue();
    assertThat(AuthenticationResults.aligned("example.com", "mail.example.com")).isTrue();
    assertThat(AuthenticationResults.aligned("badexample.com", "example.com")).isFalse();
  }

  @Test
  void anSpfPassForAnEnvelopeSenderOfTheDomainVouches() {
    Verdict v = AuthenticationResults.parse(
            "mx.example.org; spf=pass (sender SPF authorized) smtp.mailfrom=bob@example.com")
        .vouchesFor("example.com");
    assertThat(v.vouched()).isTrue();
    assertThat(v.why()).isEqualTo("spf passed for example.com");
    assertThat(AuthenticationResults.parse("mx.example.org; spf=pass smtp.mailfrom=example.com")
            .vouchesFor("example.com")
            .vouched())
        .isTrue();
  }

  @Test
  void aPassForAnotherDomainDoesNotVouch() {
    AuthenticationResults r = AuthenticationResults.parse("mx.example.org;"
        + " dkim=pass header.d=attacker.net; spf=pass smtp.mailfrom=eve@attacker.net");
    Verdict v = r.vouchesFor("example.com");
    assertThat(v.vouched()).isFalse();
    assertThat(v.why())
        .contains("example.com")
        .contains("dkim=pass for attacker.net")
        .contains("spf=pass for attacker.net");
  }

  @Test
  void failuresDoNotVouchAndTheWhyNamesThem() {
    Verdict v = AuthenticationResults.parse("mx.example.org;"
            + " dkim=fail (bad signature) header.d=example.com;"
            + " spf=softfail smtp.mailfrom=bob@example.com; dmarc=fail header.from=example.com")
        .vouchesFor("example.com");
    assertThat(v.vouched()).isFalse();
    assertThat(v.why())
        .contains("dkim=fail for example.com")
        .contains("spf=softfail for example.com")
        .doesNotContain("dmarc");
  }

  @Test
  void aPassWithoutADomainDoesNotVouch() {
    Verdict v = AuthenticationResults.parse("mx.example.org; dkim=pass; spf=pass smtp.helo=mx")
        .vouchesFor("example.com");
    assertThat(v.vouched()).isFalse();
    assertThat(v.why()).contains("dkim=pass").contains("spf=pass");
  }

  @Test
  void noneMeansNoChecksAndVouchesForNothing() {
    AuthenticationResults r = AuthenticationResults.parse("mx.example.org 1; none");
    assertThat(r.authservId()).isEqualTo("mx.example.org");
    assertThat(r.checks()).isEmpty();
    Verdict v = r.vouchesFor("example.com");
    assertThat(v.vouched()).isFalse();
    assertThat(v.why()).contains("mx.example.org").contains("no DKIM or SPF");
  }

  @Test
  void theAgentOrUserIdentifierStandsInForAMissingSigningDomain() {
    AuthenticationResults r =
        AuthenticationResults.parse("mx.example.org; dkim=pass header.i=@example.com");
    assertThat(r.vouchesFor("example.com").vouched()).isTrue();
    assertThat(
            AuthenticationResults.parse("mx.example.org; dkim=pass header.i=bob@mail.example.com")
                .vouchesFor("example.com")
                .vouched())
        .isTrue();
    assertThat(AuthenticationResults.parse("mx.example.org; dkim=pass header.i=@attacker.net")
            .vouchesFor("example.com")
            .vouched())
        .isFalse();
  }

  @Test
  void aMethodVersionIsDropped() {
    AuthenticationResults r =
        AuthenticationResults.parse("mx.example.org; dkim/1=pass header.d=example.com");
    assertThat(r.checks().getFirst().method()).isEqualTo("dkim");
    assertThat(r.vouchesFor("example.com").vouched()).isTrue();
  }

  @Test
  void methodsAndResultsAreReadWithoutRegardToCase() {
    AuthenticationResults r =
        AuthenticationResults.parse("mx.example.org; DKIM=Pass Header.D=Example.COM");
    assertThat(r.checks().getFirst().method()).isEqualTo("dkim");
    assertThat(r.checks().getFirst().result()).isEqualTo("pass");
    assertThat(r.vouchesFor("example.com").vouched()).isTrue();
  }

  @Test
  void aFoldedHeaderParses() {
    AuthenticationResults r = AuthenticationResults.parse("mx.example.org;\r\n"
        + "\tdkim=fail header.d=attacker.net;\r\n"
        + "\tspf=pass (domain of bob@example.com\r\n\t designates 192.0.2.1)\r\n"
        + "\t smtp.mailfrom=bob@example.com");
    assertThat(r.authservId()).isEqualTo("mx.example.org");
    assertThat(r.checks()).extracting(Check::method).containsExactly("dkim", "spf");
    assertThat(r.checks().get(1).properties()).containsEntry("smtp.mailfrom", "bob@example.com");
    assertThat(r.vouchesFor("example.com").why()).isEqualTo("spf passed for example.com");
  }

  @Test
  void pickTakesTheTopmostHeaderFromTheTrustedServer() {
    List<AuthenticationResults.Field> headers = List.of(
        new AuthenticationResults.Field(
            "Authentication-Results", "evil.example.net; dkim=pass header.d=example.com"),
        new AuthenticationResults.Field(
            "Authentication-Results", "MX.example.org; dkim=fail header.d=example.com"),
        new AuthenticationResults.Field("Received", "from outside by mx.example.org"),
        new AuthenticationResults.Field(
            "Authentication-Results", "mx.example.org; dkim=pass header.d=example.com"));
    AuthenticationResults picked = AuthenticationResults.pick(headers, "mx.example.org");
    assertThat(picked).isNotNull();
    assertThat(picked.authservId()).isEqualTo("MX.example.org");
    assertThat(picked.checks().getFirst().result()).isEqualTo("fail");
    assertThat(picked.vouchesFor("example.com").vouched()).isFalse();
  }

  @Test
  void pickWithoutTheTrustedServersHeaderFindsNone() {
    String[] headers = {"evil.example.net; dkim=pass header.d=example.com"};
    assertThat(AuthenticationResults.pick(headers, "mx.example.org")).isNull();
    assertThat(AuthenticationResults.pick(new String[0], null)).isNull();
  }

  @Test
  void pickWithoutATrustedNameTakesTheTopmost() {
    String[] headers = {
      "first.example.net; spf=fail smtp.mailfrom=example.com",
      "second.example.net; dkim=pass header.d=example.com",
    };
    AuthenticationResults picked = AuthenticationResults.pick(headers, null);
    assertThat(picked).isNotNull();
    assertThat(picked.authservId()).isEqualTo("first.example.net");
    assertThat(picked.vouchesFor("example.com").vouched()).isFalse();
  }

  @Test
  void anEscapedQuoteInAQuotedValueCannotSmuggleInACheck() {
    AuthenticationResults r = AuthenticationResults.parse(
        "mx.example.org; spf=fail smtp.mailfrom=\"a\\\";dkim=pass header.d=victim.com;\\\"b\"@attacker.example");
    assertThat(r.vouchesFor("victim.com").vouched()).isFalse();
    assertThat(r.checks()).extracting(AuthenticationResults.Check::method).containsExactly("spf");
  }

  @Test
  void theHeadersOneServerWroteAreReadTogetherUntilAReceivedHeader() {
    List<AuthenticationResults.Field> fields = List.of(
        new AuthenticationResults.Field(
            "Authentication-Results", "mx.example.org; dmarc=pass header.from=example.com"),
        new AuthenticationResults.Field(
            "Authentication-Results", "mx.example.org; dkim=pass header.d=example.com"),
        new AuthenticationResults.Field("Received", "from outside by mx.example.org"),
        new AuthenticationResults.Field(
            "Authentication-Results", "mx.example.org; dkim=pass header.d=victim.com"));
    AuthenticationResults picked = AuthenticationResults.pick(fields, "mx.example.org");
    assertThat(picked).isNotNull();
    assertThat(picked.vouchesFor("example.com").vouched()).isTrue();
    assertThat(picked.vouchesFor("victim.com").vouched())
        .as("a header below the server's Received came from elsewhere")
        .isFalse();
    assertThat(
            AuthenticationResults.pick(fields, null).vouchesFor("example.com").vouched())
        .isTrue();
  }

  @Test
  void aHeaderWithoutAServerNameAsMicrosoftWritesItIsRead() {
    AuthenticationResults r = AuthenticationResults.parse(
        "spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.com; dkim=none (message not signed)");
    assertThat(r.authservId()).isEmpty();
    assertThat(r.vouchesFor("example.com").vouched()).isTrue();
  }

  @Test
  void belowAReceivedHeaderOnlyTheServersTopmostHeaderIsBelieved() {
    // Gmail's layout: its Received first, then its Authentication-Results; a sender's forged
    // header with the same name right below must not join it.
    List<AuthenticationResults.Field> fields = List.of(
        new AuthenticationResults.Field("Received", "from outside by mx.google.com"),
        new AuthenticationResults.Field(
            "Authentication-Results", "mx.google.com; dkim=fail header.d=victim.com"),
        new AuthenticationResults.Field(
            "Authentication-Results", "mx.google.com; dkim=pass header.d=victim.com"));
    assertThat(AuthenticationResults.pick(fields, "mx.google.com")
            .vouchesFor("victim.com")
            .vouched())
        .isFalse();
    assertThat(AuthenticationResults.pick(fields, null).vouchesFor("victim.com").vouched())
        .isFalse();
  }
}
