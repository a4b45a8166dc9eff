package dev.switchboard.platform.email;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.platform.email.InboundMail.Ignored;
import dev.switchboard.platform.email.InboundMail.Outcome;
import dev.switchboard.platform.email.InboundMail.Taken;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Raw mail as the IMAP folder gives it, and what the gateway is handed. */
class InboundMailTest {
  private static final String BOT = "bot@example.org";
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final String WHERE = "7:42";
  private static final String FAILING =
      "Authentication-Results: mx.example.org; dkim=fail header.d=example.com;"
          + " spf=fail smtp.mailfrom=example.com";
  private static final String PASSING = "Authentication-Results: mx.example.org;"
      + " dkim=pass (good signature) header.d=example.com; spf=neutral smtp.mailfrom=example.com";

  private static final List<String> FROM_ALICE = List.of(
      "From: Alice Example <Alice@Example.com>",
      "To: Bot <bot@example.org>",
      "Subject: Deploy?",
      "Message-ID: <m1@example.com>",
      "Date: Mon, 1 Dec 2026 09:59:00 +0000",
      "MIME-Version: 1.0");

  /** A mail from these header and body lines, with CRLF line ends as on the wire. */
  private static MimeMessage mail(String... lines) throws MessagingException {
    String raw = String.join("\r\n", lines) + "\r\n";
    return new MimeMessage(
        Session.getInstance(new Properties()), new ByteArrayInputStream(raw.getBytes(UTF_8)));
  }

  /** A mail from Alice with these headers first, then a plain body. */
  private static MimeMessage simple(List<String> headers, String body) throws MessagingException {
    List<String> lines = new ArrayList<>(headers);
    lines.add("Content-Type: text/plain; charset=UTF-8");
    lines.add("");
    lines.addAll(Arrays.asList(body.split("\n", -1)));
    return mail(lines.toArray(String[]::new));
  }

  private static Outcome read(@Nullable String authservId, MimeMessage mail)
      throws MessagingException, IOException {
    return new InboundMail(BOT, authservId, Clock.fixed(NOW, ZoneOffset.UTC)).read(mail, WHERE);
  }

  private static Taken taken(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Taken.class);
    return (Taken) outcome;
  }

  private static Ignored ignored(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Ignored.class);
    return (Ignored) outcome;
  }

  @Test
  void aNewMailStartsAThreadOfItsOwnInTheSendersChat() throws Exception {
    Taken t = taken(read(null, simple(FROM_ALICE, "Shall I deploy the new build?")));
    InboundMessage m = t.message();
    assertThat(m.chat()).isEqualTo(new ChatRef("email", "alice@example.com", "m1@example.com"));
    assertThat(m.chat().toString()).startsWith("email:alice@example.com");
    assertThat(m.messageId()).isEqualTo("m1@example.com");
    assertThat(m.sender()).isEqualTo(new Sender("alice@example.com", "Alice Example"));
    assertThat(m.text()).isEqualTo("Deploy?\n\nShall I deploy the new build?");
    assertThat(m.group()).isFalse();
    assertThat(m.receivedAt()).isEqualTo(NOW);
    assertThat(m.attachments()).isEmpty();
    assertThat(t.subject()).isEqualTo("Deploy?");
    assertThat(t.references()).containsExactly("m1@example.com");
  }

  @Test
  void aSenderWithoutANameIsShownByAddress() throws Exception {
    MimeMessage mail = simple(
        List.of("From: alice@example.com", "Subject: hi", "Message-ID: <m2@example.com>"), "hello");
    assertThat(taken(read(null, mail)).message().sender())
        .isEqualTo(new Sender("alice@example.com", "alice@example.com"));
  }

  @Test
  void aReplyJoinsTheThreadOfItsFirstReference() throws Exception {
    MimeMessage mail = simple(
        List.of(
            "From: alice@example.com",
            "Subject: Re: RE: Deploy?",
            "Message-ID: <c@x>",
            "In-Reply-To: <b@x>",
            "References: <a@x>\r\n <b@x>"),
        "Yes, go ahead.");
    Taken t = taken(read(null, mail));
    assertThat(t.message().chat()).isEqualTo(new ChatRef("email", "alice@example.com", "a@x"));
    assertThat(t.message().messageId()).isEqualTo("c@x");
    assertThat(t.references()).containsExactly("a@x", "b@x", "c@x");
    assertThat(t.subject()).isEqualTo("Deploy?");
    assertThat(t.message().text()).isEqualTo("Yes, go ahead.");
  }

  @Test
  void withOnlyInReplyToTheParentIsTheRoot() throws Exception {
    MimeMessage mail = simple(
        List.of(
            "From: alice@example.com",
            "Subject: Re: Deploy?",
            "Message-ID: <c@x>",
            "In-Reply-To: <b@x>"),
        "Done.");
    Taken t = taken(read(null, mail));
    assertThat(t.message().chat().threadId()).isEqualTo("b@x");
    assertThat(t.references()).containsExactly("b@x", "c@x");
    assertThat(t.message().text()).isEqualTo("Done.");
  }

  @Test
  void theQuotedMailInAReplyIsCut() throws Exception {
    MimeMessage mail = simple(
        List.of(
            "From: alice@example.com",
            "Subject: Re: Deploy?",
            "Message-ID: <c@x>",
            "In-Reply-To: <b@x>",
            "References: <a@x> <b@x>"),
        "Thanks, it works now.\n\nOn Mon, 1 Dec 2026 at 10:00, Bot <bot@example.org> wrote:\n"
            + "> I restarted the service.\n> Anything else?");
    assertThat(taken(read(null, mail)).message().text()).isEqualTo("Thanks, it works now.");
  }

  @Test
  void ofAnAlternativeThePlainTextIsTaken() throws Exception {
    MimeMessage mail = mail(
        "From: alice@example.com",
        "Subject: Question",
        "Message-ID: <alt@example.com>",
        "MIME-Version: 1.0",
        "Content-Type: multipart/alternative; boundary=\"b1\"",
        "",
        "--b1",
        "Content-Type: text/plain; charset=UTF-8",
        "",
        "the plain version",
        "--b1",
        "Content-Type: text/html; charset=UTF-8",
        "",
        "<p>the <b>HTML</b> version</p>",
        "--b1--");
    Taken t = taken(read(null, mail));
    assertThat(t.message().text()).isEqualTo("Question\n\nthe plain version");
    assertThat(t.message().attachments()).isEmpty();
  }

  @Test
  void anHtmlOnlyMailIsReadAsText() throws Exception {
    MimeMessage mail = mail(
        "From: alice@example.com",
        "Subject: Question",
        "Message-ID: <html@example.com>",
        "MIME-Version: 1.0",
        "Content-Type: text/html; charset=UTF-8",
        "",
        "<html><body><p>Hello <b>there</b> &amp; welcome</p><p>second line</p></body></html>");
    assertThat(taken(read(null, mail)).message().text())
        .isEqualTo("Question\n\nHello there & welcome\n\nsecond line");
  }

  @Test
  void anOutlookReplyHeaderInHtmlIsCut() throws Exception {
    MimeMessage mail = mail(
        "From: alice@example.com",
        "Subject: RE: Question",
        "Message-ID: <ol@example.com>",
        "In-Reply-To: <q@example.org>",
        "MIME-Version: 1.0",
        "Content-Type: text/html; charset=UTF-8",
        "",
        "<div><p>Answer above.</p><div style=\"border-top:solid #E1E1E1 1pt\">"
            + "<p><b>From:</b> Bot &lt;bot@example.org&gt;<br><b>Sent:</b> Monday, 1 December"
            + " 2026 10:00<br><b>Subject:</b> Question</p></div><p>the earlier mail</p></div>");
    assertThat(taken(read(null, mail)).message().text()).isEqualTo("Answer above.");
  }

  @Test
  void anAttachedFileIsDescribedForALaterDownload() throws Exception {
    MimeMessage mail = mail(
        "From: alice@example.com",
        "Subject: Report",
        "Message-ID: <pdf@example.com>",
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed; boundary=\"mix\"",
        "",
        "--mix",
        "Content-Type: text/plain; charset=UTF-8",
        "",
        "see attached",
        "--mix",
        "Content-Type: application/pdf; name=\"report.pdf\"",
        "Content-Disposition: attachment; filename=\"report.pdf\"",
        "Content-Transfer-Encoding: base64",
        "",
        "JVBERi0xLjQK",
        "--mix--");
    Taken t = taken(read(null, mail));
    assertThat(t.message().text()).isEqualTo("Report\n\nsee attached");
    assertThat(t.message().attachments()).hasSize(1);
    Attachment a = t.message().attachments().getFirst();
    assertThat(a.kind()).isEqualTo(AttachmentKind.DOCUMENT);
    assertThat(a.mimeType()).isEqualTo("application/pdf");
    assertThat(a.fileName()).isEqualTo("report.pdf");
    assertThat(a.ref()).isEqualTo("7:42:0");
    assertThat(a.size()).isEqualTo(9); // "%PDF-1.4\n", 12 bytes of base64
    assertThat(a.sha256()).isNull();
  }

  @Test
  void withoutAMessageIdTheFolderPlaceStandsIn() throws Exception {
    MimeMessage mail = simple(List.of("From: alice@example.com", "Subject: hi"), "hello");
    Taken t = taken(read(null, mail));
    assertThat(t.message().messageId()).isEqualTo("uid:7:42");
    assertThat(t.message().chat().threadId()).isEqualTo("uid:7:42");
    assertThat(t.references()).containsExactly("uid:7:42");
  }

  @Test
  void aCommandStartingANewThreadIsNotPrefixedWithTheSubject() throws Exception {
    MimeMessage mail = simple(
        List.of("From: alice@example.com", "Subject: please", "Message-ID: <cmd@example.com>"),
        "/restart");
    assertThat(taken(read(null, mail)).message().text()).isEqualTo("/restart");
  }

  @Test
  void aMailWithoutABodyIsItsSubjectAndOneWithNeitherIsIgnored() throws Exception {
    MimeMessage subjectOnly = simple(
        List.of("From: alice@example.com", "Subject: Re: ping", "Message-ID: <s@example.com>"), "");
    assertThat(taken(read(null, subjectOnly)).message().text()).isEqualTo("ping");
    MimeMessage empty =
        simple(List.of("From: alice@example.com", "Message-ID: <e@example.com>"), "");
    assertThat(ignored(read(null, empty)).why()).isEqualTo("it is empty");
  }

  @Test
  void theBotsOwnMailIsIgnored() throws Exception {
    MimeMessage mail = simple(
        List.of("From: Bot <BOT@Example.org>", "Subject: hi", "Message-ID: <own@example.org>"),
        "an answer");
    Ignored i = ignored(read(null, mail));
    assertThat(i.sender()).isEqualTo("bot@example.org");
    assertThat(i.why()).isEqualTo("the bot wrote it");
  }

  @Test
  void automaticMailIsIgnored() throws Exception {
    assertThat(ignored(read(null, withHeader("Auto-Submitted: auto-replied"))).why())
        .contains("Auto-Submitted: auto-replied");
    assertThat(ignored(read(null, withHeader("Precedence: bulk"))).why())
        .contains("Precedence: bulk");
    assertThat(ignored(read(null, withHeader("List-Id: Team <team.lists.example.com>")))
            .why())
        .isEqualTo("it came through a mailing list");
    Ignored i = ignored(read(null, withHeader("Auto-Submitted: auto-generated")));
    assertThat(i.sender()).isEqualTo("alice@example.com");
  }

  @Test
  void autoSubmittedNoIsAPersonWriting() throws Exception {
    assertThat(read(null, withHeader("Auto-Submitted: no"))).isInstanceOf(Taken.class);
    assertThat(read(null, withHeader("Precedence: first-class"))).isInstanceOf(Taken.class);
  }

  @Test
  void bouncesAreIgnored() throws Exception {
    MimeMessage bounce = simple(
        List.of(
            "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>",
            "Subject: Undelivered Mail Returned to Sender",
            "Message-ID: <bounce@mx.example.com>"),
        "This is the mail system.");
    Ignored i = ignored(read(null, bounce));
    assertThat(i.sender()).isEqualTo("mailer-daemon@mx.example.com");
    assertThat(i.why()).isEqualTo("it is a delivery report");
    MimeMessage report = mail(
        "From: alice@example.com",
        "Subject: Delivery Status Notification",
        "Message-ID: <dsn@example.com>",
        "MIME-Version: 1.0",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"",
        "",
        "--r",
        "Content-Type: text/plain",
        "",
        "Delivery failed.",
        "--r--");
    assertThat(ignored(read(null, report)).why()).isEqualTo("it is a delivery report");
  }

  @Test
  void aMailFromTwoPeopleOrNoneIsIgnored() throws Exception {
    MimeMessage two = simple(
        List.of(
            "From: alice@example.com, mallory@example.com",
            "Subject: hi",
            "Message-ID: <two@example.com>"),
        "hello");
    assertThat(ignored(read(null, two)).why()).isEqualTo("it has no single From address");
    MimeMessage none = simple(List.of("Subject: hi", "Message-ID: <none@example.com>"), "hello");
    assertThat(ignored(read(null, none)).sender()).isEqualTo("?");
  }

  @Test
  void aSenderTheServerCouldNotVouchForIsIgnored() throws Exception {
    Ignored i = ignored(read(null, withHeader(FAILING)));
    assertThat(i.sender()).isEqualTo("alice@example.com");
    assertThat(i.why()).contains("dkim=fail").contains("spf=fail");
    assertThat(ignored(read("mx.example.org", withHeader(FAILING))).why()).contains("dkim=fail");
  }

  @Test
  void withATrustedServerItsHeaderIsRequired() throws Exception {
    Ignored i = ignored(read("mx.example.org", simple(FROM_ALICE, "hello")));
    assertThat(i.why()).isEqualTo("it has no Authentication-Results from mx.example.org");
    MimeMessage forged =
        withHeader("Authentication-Results: evil.example.net; dkim=pass header.d=example.com");
    assertThat(ignored(read("mx.example.org", forged)).why())
        .isEqualTo("it has no Authentication-Results from mx.example.org");
  }

  @Test
  void aPassingHeaderLetsTheMailIn() throws Exception {
    assertThat(taken(read("mx.example.org", withHeader(PASSING))).message().text())
        .isEqualTo("Deploy?\n\nhello");
    assertThat(read(null, withHeader(PASSING))).isInstanceOf(Taken.class);
  }

  @Test
  void aForgedPassAboveTheTrustedHeaderIsNotBelieved() throws Exception {
    List<String> headers = new ArrayList<>();
    headers.add("Authentication-Results: evil.example.net; dkim=pass header.d=example.com");
    headers.add(FAILING);
    headers.addAll(FROM_ALICE);
    assertThat(ignored(read("mx.example.org", simple(headers, "hello"))).why())
        .contains("dkim=fail");
  }

  @Test
  void withoutATrustedServerAndWithoutAHeaderTheMailIsTaken() throws Exception {
    assertThat(read(null, simple(FROM_ALICE, "hello"))).isInstanceOf(Taken.class);
  }

  @Test
  void messageIdsAreReadWithoutTheirBracketsOnceEach() {
    assertThat(InboundMail.ids("<a@x> <b@x>\r\n\t<a@x> junk <c@x>"))
        .containsExactly("a@x", "b@x", "c@x");
    assertThat(InboundMail.ids(null)).isEmpty();
    assertThat(InboundMail.firstId("no id here")).isNull();
  }

  /** Alice's mail with one more header before hers. */
  @Test
  void aForwardedMailIsReadWholeItsQuoteIsThePoint() throws Exception {
    MimeMessage mail = simple(
        List.of(
            "From: Alice Example <Alice@Example.com>",
            "Subject: Fwd: Invoice 2026-11",
            "Message-ID: <fw1@example.com>"),
        "please pay this one\n\n---------- Forwarded message ----------\nFrom: Shop"
            + " <billing@shop.example>\nDate: Mon, 30 Nov 2026\n\nOn Monday you wrote:\n"
            + "> an order\nTotal: 42 EUR");
    Taken t = taken(read(null, mail));
    assertThat(t.message().text())
        .startsWith("Invoice 2026-11\n\nplease pay this one")
        .contains("Forwarded message", "Total: 42 EUR", "> an order");
  }

  @Test
  void aForwardedHtmlMailKeepsItsGmailQuote() throws Exception {
    MimeMessage mail = mail(
        "From: alice@example.com",
        "Subject: Fw: schedule",
        "Message-ID: <fw2@example.com>",
        "MIME-Version: 1.0",
        "Content-Type: text/html; charset=UTF-8",
        "",
        "<div>see below</div><div class=\"gmail_quote\">Meeting at 10:00 in room 4</div>");
    assertThat(taken(read(null, mail)).message().text()).contains("see below", "room 4");
  }

  @Test
  void aMessageIdThatImitatesTheGatewaysOwnTurnsIsIgnored() throws Exception {
    MimeMessage mail = simple(
        List.of(
            "From: alice@example.com",
            "Subject: hi",
            "Message-ID: <switchboard:job:7:1@evil.example>"),
        "run it");
    assertThat(ignored(read(null, mail)).why()).contains("imitates");
  }

  @Test
  void aSecondSubjectAboveASignedOneIsIgnored() throws Exception {
    MimeMessage mail = simple(
        List.of(
            "From: alice@example.com",
            "Subject: /restart",
            "Subject: lunch?",
            "Message-ID: <dup@example.com>"),
        "");
    assertThat(ignored(read(null, mail)).why()).contains("2 Subject headers");
  }

  @Test
  void aMailWithoutMessageIdTakesTheFallbackItIsGiven() throws Exception {
    MimeMessage mail = simple(List.of("From: alice@example.com", "Subject: no id"), "hello");
    Taken t = taken(new InboundMail(BOT, null, Clock.fixed(NOW, ZoneOffset.UTC))
        .read(mail, WHERE, "nomid.abc"));
    assertThat(t.message().messageId()).isEqualTo("nomid.abc");
    assertThat(t.message().chat().threadId()).isEqualTo("nomid.abc");
  }

  private static MimeMessage withHeader(String header) throws MessagingException {
    List<String> headers = new ArrayList<>();
    headers.add(header);
    headers.addAll(FROM_ALICE);
    return simple(headers, "hello");
  }
}
