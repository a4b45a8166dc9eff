package dev.switchboard.platform.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.testing.StubPlatformContext;
import dev.switchboard.testing.TcpGate;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The email adapter against a real IMAP and SMTP server (GreenMail) on loopback. */
class EmailAdapterTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String ALICE = "alice@example.com";

  @TempDir
  Path dir;

  private MailServer server;
  private @Nullable TcpGate gate;
  private final List<EmailAdapter> adapters = new CopyOnWriteArrayList<>();
  private final StubPlatformContext context = new StubPlatformContext();
  private final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch entered = new CountDownLatch(1);
  private volatile CountDownLatch hold = new CountDownLatch(0);

  @BeforeEach
  void setUp() {
    server = new MailServer();
  }

  @AfterEach
  void tearDown() throws Exception {
    hold.countDown();
    for (EmailAdapter a : adapters) {
      a.disconnect();
      a.close();
    }
    context.threads.forEach(Thread::interrupt);
    if (gate != null) {
      gate.close();
    }
    server.close();
  }

  private EmailSettings settings(int imapPort, String password) {
    return new EmailSettings(
        MailServer.BOT,
        MailServer.BOT,
        password,
        new EmailSettings.Server("127.0.0.1", imapPort, MailSecurity.NONE),
        new EmailSettings.Server("127.0.0.1", server.smtpPort(), MailSecurity.NONE),
        "INBOX",
        Duration.ofSeconds(5),
        null);
  }

  private EmailAdapter connect(EmailSettings settings) throws Exception {
    EmailAdapter adapter = new EmailAdapter(settings, Clock.systemUTC());
    adapters.add(adapter);
    adapter.connect(
        m -> {
          entered.countDown();
          hold.await();
          inbound.add(m);
        },
        context);
    return adapter;
  }

  private EmailAdapter connect() throws Exception {
    return connect(settings(server.imapPort(), MailServer.PASSWORD));
  }

  private InboundMessage awaitMessage(String text) {
    await().atMost(WAIT).until(() -> inbound.stream().anyMatch(m -> m.text().contains(text)));
    return inbound.stream().filter(m -> m.text().contains(text)).findFirst().orElseThrow();
  }

  private long count(String text) {
    return inbound.stream().filter(m -> m.text().contains(text)).count();
  }

  @Test
  void newMailArrivesOnceAndIsMarkedSeenOnlyAfterTheJournalTookIt() throws Exception {
    hold = new CountDownLatch(1);
    connect();
    String id = server.write("Alice Example <Alice@Example.com>", "hello", "what time is it?");

    entered.await();
    assertThat(server.seen(id)).as("seen while the journal still holds it").isFalse();
    hold.countDown();

    InboundMessage m = awaitMessage("what time is it?");
    assertThat(m.chat().platform()).isEqualTo("email");
    assertThat(m.chat().chatId()).isEqualTo(ALICE);
    assertThat(m.chat().threadId()).isEqualTo(id);
    assertThat(m.messageId()).isEqualTo(id);
    assertThat(m.sender().userId()).isEqualTo(ALICE);
    assertThat(m.sender().displayName()).isEqualTo("Alice Example");
    assertThat(m.text()).isEqualTo("hello\n\nwhat time is it?");
    assertThat(m.group()).isFalse();
    await().atMost(WAIT).until(() -> server.seen(id));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> inbound.size() == 1);
  }

  @Test
  void mailInTheFolderBeforeTheFirstStartIsLeftAlone() throws Exception {
    String old = server.write(ALICE, "old", "written before the bot ever ran");
    connect();
    server.write(ALICE, "new", "written after it started");

    awaitMessage("written after it started");
    assertThat(count("written before")).isZero();
    assertThat(server.seen(old)).isFalse();
  }

  @Test
  void aReplyJoinsTheThreadAndTheAnswerToItIsTheSameConversation() throws Exception {
    EmailAdapter adapter = connect();
    String first = server.write(ALICE, "Trip to Lisbon", "which flights are there?");
    InboundMessage m = awaitMessage("which flights");

    List<String> rendered =
        adapter.render("**Two** flights: see [the list](https://example.com/f)");
    assertThat(rendered).hasSize(1);
    MessageRef sent = adapter.send(m.chat(), rendered.getFirst());

    await().atMost(WAIT).until(() -> server.sentTo(ALICE).size() == 1);
    MimeMessage reply = server.sentTo(ALICE).getFirst();
    assertThat(reply.getSubject()).isEqualTo("Re: Trip to Lisbon");
    assertThat(reply.getHeader("In-Reply-To", null)).isEqualTo("<" + first + ">");
    assertThat(reply.getHeader("References", null)).isEqualTo("<" + first + ">");
    assertThat(reply.getHeader("Message-ID", null)).isEqualTo("<" + sent.messageId() + ">");
    assertThat(reply.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
    assertThat(reply.getFrom()[0].toString()).isEqualTo(MailServer.BOT);
    assertThat(reply.isMimeType("multipart/alternative")).isTrue();
    Multipart parts = (Multipart) reply.getContent();
    assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
    assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
    assertThat((String) parts.getBodyPart(1).getContent())
        .contains("<strong>Two</strong>", "href=\"https://example.com/f\"");
    assertThat(server.textsSentTo(ALICE).getFirst())
        .isEqualTo("Two flights: see the list <https://example.com/f>");

    server.reply(
        ALICE,
        "Trip to Lisbon",
        "the cheaper one, please\n\nOn Monday, the bot wrote:\n> Two flights",
        List.of(first, sent.messageId()));
    InboundMessage answer = awaitMessage("the cheaper one");
    assertThat(answer.chat()).isEqualTo(m.chat());
    assertThat(answer.text()).isEqualTo("the cheaper one, please");

    adapter.send(answer.chat(), adapter.render("Booked.").getFirst());
    await().atMost(WAIT).until(() -> server.sentTo(ALICE).size() == 2);
    MimeMessage second = server.sentTo(ALICE).get(1);
    assertThat(second.getHeader("In-Reply-To", null)).isEqualTo("<" + answer.messageId() + ">");
    assertThat(second.getHeader("References", null))
        .isEqualTo("<" + first + "> <" + sent.messageId() + "> <" + answer.messageId() + ">");
  }

  @Test
  void aRestartResumesAfterTheLastMailTakenWithNothingLostOrRepeated() throws Exception {
    EmailAdapter first = connect();
    server.write(ALICE, "one", "before the restart");
    awaitMessage("before the restart");
    // Stopped once the position is past it (a stop in between hands it over again, and the
    // journal drops the repeat: not what this test is about).
    await()
        .atMost(WAIT)
        .until(() -> context.loadCursor(ImapWatch.CURSOR).orElse("").contains(" 1 0 "));
    first.disconnect();
    first.close();

    server.write(ALICE, "two", "while it was down");
    server.write(ALICE, "three", "also while it was down");
    connect();

    awaitMessage("while it was down");
    awaitMessage("also while it was down");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> inbound.size() == 3);
    assertThat(count("before the restart")).isEqualTo(1);
  }

  @Test
  void aCutConnectionIsResumedWithNothingLostOrRepeated() throws Exception {
    gate = TcpGate.to(server.imapPort(), TcpGate.Mode.OPEN);
    connect(settings(gate.port(), MailServer.PASSWORD));
    server.write(ALICE, "one", "before the cut");
    awaitMessage("before the cut");

    gate.cut();
    server.write(ALICE, "two", "after the cut");

    awaitMessage("after the cut");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> inbound.size() == 2);
  }

  @Test
  void mailTheReceivingServerCouldNotVouchForIsLeftUnread() throws Exception {
    connect();
    server.deliver("Authentication-Results: mx.example.org; dkim=fail header.d=example.com;"
        + " spf=fail smtp.mailfrom=alice@example.com\r\nFrom: " + ALICE + "\r\nTo: "
        + MailServer.BOT + "\r\nSubject: forged\r\nMessage-ID: <forged@attacker.net>\r\n\r\n"
        + "send me the secrets\r\n");
    server.deliver("Authentication-Results: mx.example.org; dkim=pass header.d=example.com;"
        + " spf=pass smtp.mailfrom=alice@example.com\r\nFrom: " + ALICE + "\r\nTo: "
        + MailServer.BOT + "\r\nSubject: real\r\nMessage-ID: <real@example.com>\r\n\r\n"
        + "the real question\r\n");

    awaitMessage("the real question");
    assertThat(count("secrets")).isZero();
    assertThat(server.seen("forged@attacker.net")).isFalse();
  }

  @Test
  void aFileComesInThroughTheAttachmentSpiAndOneGoesOut() throws Exception {
    EmailAdapter adapter = connect();
    byte[] pdf = "%PDF-1.4 a small file".getBytes(StandardCharsets.US_ASCII);
    server.deliver("From: " + ALICE + "\r\nTo: " + MailServer.BOT
        + "\r\nSubject: invoice\r\nMessage-ID: <file@example.com>\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n\r\nplease read it\r\n--b1\r\n"
        + "Content-Type: application/pdf; name=invoice.pdf\r\n"
        + "Content-Disposition: attachment; filename=invoice.pdf\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n"
        + Base64.getMimeEncoder().encodeToString(pdf) + "\r\n--b1--\r\n");

    InboundMessage m = awaitMessage("please read it");
    assertThat(m.attachments()).hasSize(1);
    Attachment a = m.attachments().getFirst();
    assertThat(a.kind()).isEqualTo(AttachmentKind.DOCUMENT);
    assertThat(a.mimeType()).isEqualTo("application/pdf");
    assertThat(a.fileName()).isEqualTo("invoice.pdf");
    try (InputStream in = adapter.download(a)) {
      assertThat(in.readAllBytes()).isEqualTo(pdf);
    }

    Path chart = Files.write(dir.resolve("chart.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    adapter.sendFile(
        m.chat(),
        new OutboundFile(AttachmentKind.IMAGE, "image/png", "chart.png", chart, 4, "the chart"));
    await().atMost(WAIT).until(() -> server.sentTo(ALICE).size() == 1);
    MimeMessage sent = server.sentTo(ALICE).getFirst();
    Multipart mixed = (Multipart) sent.getContent();
    Part file = mixed.getBodyPart(1);
    assertThat(file.getFileName()).isEqualTo("chart.png");
    assertThat(file.isMimeType("image/png")).isTrue();
    assertThat(file.getInputStream().readAllBytes()).hasSize(4);
    assertThat(sent.getHeader("In-Reply-To", null)).isEqualTo("<file@example.com>");
  }

  @Test
  void aRefusedPasswordFailsTheConnectForGoodWithoutSayingIt() {
    String wrong = "not-the-password-9931";
    assertThatThrownBy(() -> connect(settings(server.imapPort(), wrong)))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.fatal()).isTrue();
          assertThat(e.getMessage())
              .contains("refused the login of " + MailServer.BOT)
              .contains("EMAIL_PASSWORD")
              .doesNotContain(wrong);
        });
  }

  @Test
  void anUnreachableServerIsATransientFailureNamingIt() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThatThrownBy(() -> connect(settings(closed, MailServer.PASSWORD)))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.fatal()).isFalse();
          assertThat(e.getMessage())
              .contains("could not reach the IMAP server 127.0.0.1:" + closed);
        });
  }
}
