package dev.switchboard.platform.email;

import dev.switchboard.common.Sha256;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.ReconnectingLoop;
import dev.switchboard.text.HtmlMarkup;
import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.WhitespaceAtCuts;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mailbox as a chat platform: new mail in a folder comes in through IMAP ({@link ImapWatch}),
 * each thread of mail one conversation ({@link InboundMail}); replies go out over SMTP ({@link
 * SmtpSender}) in the thread they answer, as HTML with a plain-text alternative. A sent mail
 * cannot be changed, so replies are not streamed: each is one mail once complete.
 */
final class EmailAdapter implements PlatformAdapter {
  private static final Logger log = LoggerFactory.getLogger(EmailAdapter.class);
  static final String PLATFORM = InboundMail.PLATFORM;
  /** Characters of HTML in one mail: a long answer is one mail, not several. */
  static final int MAX_MESSAGE = 60_000;

  static final ReplyFormat REPLIES =
      new ReplyFormat(new HtmlMarkup(), MAX_MESSAGE, LengthUnit.CODE_POINTS, WhitespaceAtCuts.TRIM);
  /** Most providers take 25 MB per mail; base64 makes a file a third larger on the wire. */
  static final FileLimits FILES =
      new FileLimits(ImapWatch.MAX_MAIL_BYTES, 18L * 1024 * 1024, 20_000);

  /** New mail arrives at once with IDLE; a watchdog needs the loop to beat at least this often. */
  private static final Duration MAX_SILENCE = ImapWatch.KEEP_ALIVE.multipliedBy(3);

  private final EmailSettings settings;
  private final Clock clock;
  private final ExecutorService events = Executors.newVirtualThreadPerTaskExecutor();
  private final MailSessions sessions;
  private final SmtpSender smtp;
  private final MailFiles files;
  private volatile @Nullable MailThreads threads;
  private volatile @Nullable ReconnectingLoop loop;

  EmailAdapter(EmailSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.sessions = new MailSessions(settings, events);
    this.smtp = new SmtpSender(settings, sessions, clock);
    this.files = new MailFiles(settings, sessions);
  }

  @Override
  public String name() {
    return PLATFORM;
  }

  @Override
  public PlatformLimits limits() {
    return new PlatformLimits(MAX_MESSAGE, false, Duration.ofSeconds(1), 0.5, 5, 2);
  }

  @Override
  public void connect(InboundHandler inbound, PlatformContext context) throws Exception {
    context.claimCredential("email " + ImapWatch.account(settings));
    // Before the login: answers resumed at start go out while IMAP may still be unreachable.
    MailThreads known = MailThreads.load(context);
    threads = known;
    checkLogin();
    InboundMail reader = new InboundMail(settings.address(), settings.authservId(), clock);
    ImapWatch watch = new ImapWatch(
        settings,
        sessions,
        context.loadCursor(ImapWatch.CURSOR).orElse(null),
        position -> context.saveCursor(ImapWatch.CURSOR, position),
        context.reconnectBackoff(Duration.ofSeconds(5)),
        clock,
        (validity, uid, raw) -> take(reader, known, inbound, validity, uid, raw));
    context.spawn("imap-keepalive", watch::keepAlive);
    ReconnectingLoop l = context.keepConnected(
        "imap",
        MAX_SILENCE,
        context.reconnectBackoff(Duration.ofSeconds(1)),
        watch,
        "connecting to the IMAP server");
    loop = l;
    l.awaitFirstConnection(Duration.ofSeconds(10));
  }

  /** The login, once, so that a wrong password or an unreachable server fails the connect. */
  private void checkLogin() throws PlatformException, InterruptedException {
    IMAPStore store = sessions.imapStore();
    try {
      sessions.login(store);
    } catch (AuthenticationFailedException e) {
      throw ImapWatch.unavailable(e)
          ? new PlatformException(ImapWatch.notNow(settings, e), false)
          : new PlatformException(ImapWatch.refusedLogin(settings, e), true);
    } catch (MessagingException e) {
      if (Thread.interrupted()) {
        throw new InterruptedException("stopped while logging in");
      }
      throw new PlatformException(ImapWatch.unreachable(settings, e), false);
    } finally {
      try {
        store.close();
      } catch (MessagingException e) {
        log.debug("email: closing the login check's connection: {}", e.getMessage());
      }
    }
  }

  /** One new mail: journaled when it is for the gateway, else said why in the log. */
  private boolean take(
      InboundMail reader,
      MailThreads known,
      InboundHandler inbound,
      long validity,
      long uid,
      byte[] raw)
      throws InterruptedException {
    InboundMail.Outcome outcome;
    try {
      // Shared: the message's parts point into these bytes instead of copying them.
      MimeMessage mail =
          new MimeMessage(sessions.smtpSession(), new SharedByteArrayInputStream(raw));
      outcome = reader.read(mail, validity + ":" + uid, "nomid." + Sha256.hexPrefix(raw, 16));
    } catch (MessagingException | IOException | RuntimeException e) {
      log.warn(
          "email: mail {} in {} could not be read and is left alone: {}",
          uid,
          settings.folder(),
          ImapWatch.describe(e));
      return false;
    }
    return switch (outcome) {
      case InboundMail.Ignored ignored -> {
        log.info("email: left mail {} from {} alone: {}", uid, ignored.sender(), ignored.why());
        yield false;
      }
      case InboundMail.Taken taken -> {
        InboundMessage message = taken.message();
        List<String> references = taken.references();
        String root = message.chat().threadId();
        String chatId = message.chat().chatId();
        String thread = root == null ? null : known.rootOfSent(chatId, root).orElse(null);
        if (thread != null && !thread.equals(root)) {
          // It answers the bot naming only the bot's mail: the thread that mail was in.
          message = new InboundMessage(
              new ChatRef(PLATFORM, chatId, thread),
              message.messageId(),
              message.sender(),
              message.text(),
              message.group(),
              message.receivedAt(),
              message.attachments());
          references = new ArrayList<>(references);
          references.addFirst(thread);
          root = thread;
        }
        if (root != null) {
          known.remember(MailThreads.key(chatId, root), taken.subject(), references);
        }
        inbound.accept(message);
        yield true;
      }
    };
  }

  @Override
  public void disconnect() {
    ReconnectingLoop l = loop;
    loop = null;
    if (l != null) {
      l.stop();
    }
  }

  @Override
  public void close() {
    events.shutdownNow();
  }

  @Override
  public List<String> render(String markdown) {
    return REPLIES.messages(markdown);
  }

  @Override
  public MessageRef send(ChatRef chat, String html) throws PlatformException {
    return mail(chat, HtmlToText.whole(html), html, null, "sb." + UUID.randomUUID());
  }

  /**
   * With a Message-ID made from the key: SMTP has no idempotent send, but a mail sent again
   * after an unclear failure has the same Message-ID, which mail clients (Gmail among them)
   * show once.
   */
  @Override
  public MessageRef send(ChatRef chat, String html, String idempotencyKey)
      throws PlatformException {
    return mail(
        chat, HtmlToText.whole(html), html, null, "sb." + Sha256.hexPrefix(idempotencyKey, 16));
  }

  @Override
  public MessageRef sendPlain(ChatRef chat, String text) throws PlatformException {
    return mail(chat, HtmlToText.whole(text), null, null, "sb." + UUID.randomUUID());
  }

  @Override
  public FileLimits fileLimits() {
    return FILES;
  }

  @Override
  public InputStream download(Attachment attachment) throws PlatformException {
    return files.open(attachment, FILES.maxDownloadBytes());
  }

  @Override
  public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    String caption = file.caption().isBlank() ? file.fileName() : file.caption();
    return mail(chat, caption, null, file, "sb." + UUID.randomUUID());
  }

  /** A mail cannot be changed once sent; replies are not streamed ({@link #limits}). */
  @Override
  public void edit(MessageRef message, String text) throws PlatformException {
    throw new PlatformException("a sent email cannot be changed", true);
  }

  private MessageRef mail(
      ChatRef chat, String plain, @Nullable String html, @Nullable OutboundFile file, String local)
      throws PlatformException {
    String id = local + "@" + settings.domain();
    String root = chat.threadId();
    MailThreads known = threads;
    Optional<MailThreads.MailThread> thread = root == null || known == null
        ? Optional.empty()
        : known.get(MailThreads.key(chat.chatId(), root));
    String subject;
    String inReplyTo = null;
    List<String> references = new ArrayList<>();
    if (thread.isPresent()) {
      subject = reSubject(thread.get().subject());
      inReplyTo = thread.get().last();
      references.addAll(thread.get().references());
    } else if (root != null) {
      // A thread forgotten (or from another store): the root alone still threads the reply.
      subject = "Re: your mail";
      inReplyTo = root;
      references.add(root);
    } else {
      subject = firstLine(plain);
    }
    smtp.send(new SmtpSender.Outgoing(
        chat.chatId(), subject, id, inReplyTo, references, plain, html, file));
    if (root != null && known != null) {
      try {
        known.sent(chat.chatId(), root, id);
      } catch (RuntimeException e) {
        // The mail went: a store that cannot note it must not make it look failed (and resent).
        log.warn("email: could not note mail {} with its thread: {}", id, e.getMessage());
      }
    }
    return new MessageRef(chat, id);
  }

  private static String reSubject(String subject) {
    return subject.isBlank() ? "Re: your mail" : "Re: " + subject;
  }

  /** A new thread's subject: the start of its first line. */
  static String firstLine(String text) {
    for (String line : text.split("\n", -1)) {
      String s = line.strip();
      if (!s.isEmpty()) {
        return s.codePointCount(0, s.length()) <= 78
            ? s
            : s.substring(0, s.offsetByCodePoints(0, 77)).strip() + "…";
      }
    }
    return "A message from your agent";
  }
}
