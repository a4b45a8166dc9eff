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
    return settings(imapPort, server.smtpPort(), password);
  }

  private EmailSettings settings(int imapPort, int smtpPort, String password) {
    return new EmailSettings(
        MailServer.BOT,
        MailServer.BOT,
        password,
        new EmailSettings.Server("127.0.0.1", imapPort, MailSecurity.NONE),
        new EmailSettings.Server("127.0.0.1", smtpPort, MailSecurity.NONE),
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
    assertThat(jakarta.mail.internet.MimeUtility.unfold(second.getHeader("References", null)))
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

  @Test
  void aLongThreadsReferencesAreFoldedAndAStandInIdIsNotNamed() throws Exception {
    EmailAdapter adapter = connect();
    List<String> refs = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      refs.add("CAFE" + "x".repeat(110) + i + "@mail.example.com");
    }
    server.reply(ALICE, "long thread", "the eighth mail", refs);
    InboundMessage m = awaitMessage("the eighth mail");
    adapter.send(m.chat(), adapter.render("noted").getFirst());
    await().atMost(WAIT).until(() -> server.sentTo(ALICE).size() == 1);
    MimeMessage reply = server.sentTo(ALICE).getFirst();
    java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
    reply.writeTo(raw);
    for (String line : raw.toString(StandardCharsets.US_ASCII).split("\r\n", -1)) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(998);
    }
    String references = reply.getHeader("References", null).replaceAll("\\s+", " ");
    assertThat(references)
        .startsWith("<" + refs.getFirst() + ">")
        .endsWith("<" + m.messageId() + ">");
    assertThat(reply.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");

    server.deliver("From: " + ALICE + "\r\nTo: " + MailServer.BOT
        + "\r\nSubject: no id\r\n\r\nwritten by a client that makes no Message-ID\r\n");
    InboundMessage noId = awaitMessage("makes no Message-ID");
    assertThat(noId.messageId()).startsWith("nomid.");
    adapter.send(noId.chat(), adapter.render("still answered").getFirst());
    await().atMost(WAIT).until(() -> server.sentTo(ALICE).size() == 2);
    MimeMessage second = server.sentTo(ALICE).get(1);
    assertThat(second.getHeader("In-Reply-To")).isNull();
    assertThat(second.getHeader("References")).isNull();
    assertThat(second.getSubject()).isEqualTo("Re: no id");
  }

  @Test
  void aMessageOfTheGatewaysOwnIsANewMailMarkedAutoGenerated() throws Exception {
    EmailAdapter adapter = connect();
    adapter.send(
        dev.switchboard.platform.ChatRef.of("email", ALICE),
        adapter.render("Your daily summary is ready\n\nthree things happened").getFirst());
    await().atMost(WAIT).until(() -> server.sentTo(ALICE).size() == 1);
    MimeMessage mail = server.sentTo(ALICE).getFirst();
    assertThat(mail.getSubject()).isEqualTo("Your daily summary is ready");
    assertThat(mail.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
    assertThat(mail.getHeader("In-Reply-To")).isNull();
  }

  @Test
  void anSmtpServerThatOffersNoLoginOrCannotTakeItNowIsToldApart() throws Exception {
    EmailAdapter adapter = connect();
    try (ScriptedSmtp noAuth =
            new ScriptedSmtp("250 8BITMIME", "535 unused", "530 5.7.0 Authentication required");
        ScriptedSmtp busy = new ScriptedSmtp(
            "250 AUTH PLAIN LOGIN", "454 4.7.0 Too many login attempts", "250 ok")) {
      EmailAdapter viaNoAuth = new EmailAdapter(
          settings(server.imapPort(), noAuth.port(), MailServer.PASSWORD), Clock.systemUTC());
      adapters.add(viaNoAuth);
      assertThatThrownBy(() ->
              viaNoAuth.send(dev.switchboard.platform.ChatRef.of("email", ALICE), "<p>hi</p>"))
          .isInstanceOfSatisfying(PlatformException.class, e -> {
            assertThat(e.fatal()).isTrue();
            assertThat(e.getMessage()).contains("530");
          });
      EmailAdapter viaBusy = new EmailAdapter(
          settings(server.imapPort(), busy.port(), MailServer.PASSWORD), Clock.systemUTC());
      adapters.add(viaBusy);
      assertThatThrownBy(
              () -> viaBusy.send(dev.switchboard.platform.ChatRef.of("email", ALICE), "<p>hi</p>"))
          .isInstanceOfSatisfying(PlatformException.class, e -> {
            assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSIENT);
            assertThat(e.getMessage())
                .contains("could not take the login now (454")
                .doesNotContain(MailServer.PASSWORD);
          });
    }
    assertThat(adapter.name()).isEqualTo("email");
  }

  @Test
  void aReplyNamingOnlyTheBotsMailStaysInItsThread() throws Exception {
    EmailAdapter adapter = connect();
    String first = server.write(ALICE, "Budget", "how much is left?");
    InboundMessage m = awaitMessage("how much is left?");
    MessageRef sent = adapter.send(m.chat(), adapter.render("40 EUR").getFirst());
    await().atMost(WAIT).until(() -> server.sentTo(ALICE).size() == 1);

    // A client that names only the mail it answers (In-Reply-To, no References).
    server.deliver("From: " + ALICE + "\r\nTo: " + MailServer.BOT
        + "\r\nSubject: Re: Budget\r\nMessage-ID: <short@example.com>\r\nIn-Reply-To: <"
        + sent.messageId() + ">\r\n\r\nand next month?\r\n");
    InboundMessage next = awaitMessage("and next month?");
    assertThat(next.chat()).isEqualTo(m.chat());
    assertThat(next.chat().threadId()).isEqualTo(first);
  }

  @Test
  void aMailTheJournalCouldNotTakeIsReadAgainAfterAWaitAndTakenOnce() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    EmailAdapter adapter =
        new EmailAdapter(settings(server.imapPort(), MailServer.PASSWORD), Clock.systemUTC());
    adapters.add(adapter);
    adapter.connect(
        m -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("journal: disk full");
          }
          inbound.add(m);
        },
        context);
    String id = server.write(ALICE, "retry", "taken the second time");

    awaitMessage("taken the second time");
    assertThat(calls.get()).as("read again after a wait, not at once and again").isEqualTo(2);
    await().atMost(WAIT).until(() -> server.seen(id));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> inbound.size() == 1);
  }

  /**
   * An SMTP server on loopback that answers EHLO with {@code ehloLast} as its last line, any
   * AUTH with {@code authAnswer} and MAIL with {@code mailAnswer}: answers GreenMail never gives.
   */
  private static final class ScriptedSmtp implements AutoCloseable {
    private final java.net.ServerSocket socket = new java.net.ServerSocket(0);
    private final Thread acceptor;

    ScriptedSmtp(String ehloLast, String authAnswer, String mailAnswer) throws java.io.IOException {
      acceptor = Thread.ofVirtual().start(() -> {
        while (!socket.isClosed()) {
          try (java.net.Socket c = socket.accept();
              var in = new java.io.BufferedReader(
                  new java.io.InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
              var out = c.getOutputStream()) {
            out.write("220 scripted ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null) {
              String verb = line.split(" ", -1)[0].toUpperCase(java.util.Locale.ROOT);
              String answer = switch (verb) {
                case "EHLO" -> "250-scripted\r\n" + ehloLast;
                case "AUTH" -> authAnswer;
                case "MAIL" -> mailAnswer;
                case "QUIT" -> "221 bye";
                default -> "250 ok";
              };
              out.write((answer + "\r\n").getBytes(StandardCharsets.US_ASCII));
              if (verb.equals("QUIT")) {
                break;
              }
            }
          } catch (java.io.IOException e) {
            // the test closed the listener, or the client went away
          }
        }
      });
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
      try {
        acceptor.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
