package dev.switchboard.platform.email;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/**
 * A real IMAP and SMTP server on loopback (GreenMail) holding the bot's mailbox: the tests write
 * mail into it as other people's servers would deliver it, and read what the bot sent out.
 * Mail from the bot to anyone lands in that person's mailbox here (GreenMail takes mail for any
 * address), which {@link #sentTo} reads.
 */
public final class MailServer implements AutoCloseable {
  public static final String BOT = "bot@example.org";
  public static final String PASSWORD = "imap-secret-pw-4711";

  private final GreenMail mail;
  private final GreenMailUser bot;
  private final AtomicInteger written = new AtomicInteger();

  public MailServer() {
    // GreenMail's connection threads die with an exception when a client's connection is cut in
    // the middle of a command (IDLE), as these tests cut it on purpose; Awaitility would report
    // that as the failure of whatever the test awaits at the time.
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
    mail = new GreenMail(ServerSetup.createCopy(
        new ServerSetup[] {ServerSetup.SMTP, ServerSetup.IMAP}, ServerSetup::dynamicPort));
    mail.start();
    bot = mail.setUser(BOT, BOT, PASSWORD);
  }

  public int imapPort() {
    return mail.getImap().getPort();
  }

  public int smtpPort() {
    return mail.getSmtp().getPort();
  }

  /** The settings a gateway needs for this server, as environment variables. */
  public Map<String, String> env(int imapPort) {
    return Map.of(
        "EMAIL_ADDRESS",
        BOT,
        "EMAIL_PASSWORD",
        PASSWORD,
        "EMAIL_IMAP_HOST",
        "127.0.0.1",
        "EMAIL_IMAP_PORT",
        Integer.toString(imapPort),
        "EMAIL_IMAP_SECURITY",
        "none",
        "EMAIL_SMTP_HOST",
        "127.0.0.1",
        "EMAIL_SMTP_PORT",
        Integer.toString(smtpPort()),
        "EMAIL_SMTP_SECURITY",
        "none");
  }

  /** Refuses (or accepts again) the bot's password at the next login. */
  public void refusePassword(boolean refuse) {
    bot.setPassword(refuse ? "changed-" + UUID.randomUUID() : PASSWORD);
  }

  /** Delivers {@code raw} (headers, a blank line, the body) into the bot's inbox. */
  public void deliver(String raw) {
    bot.deliver(GreenMailUtil.newMimeMessage(raw));
  }

  /**
   * Delivers a plain mail from {@code from} starting a new thread; returns its Message-ID,
   * without angle brackets.
   */
  public String write(String from, String subject, String body) {
    String id = "m" + written.incrementAndGet() + "." + UUID.randomUUID() + "@example.com";
    deliver("From: " + from + "\r\nTo: " + BOT + "\r\nSubject: " + subject + "\r\nMessage-ID: <"
        + id + ">\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n");
    return id;
  }

  /** Delivers a reply in the thread of {@code references} (oldest first); returns its id. */
  public String reply(String from, String subject, String body, List<String> references) {
    String id = "m" + written.incrementAndGet() + "." + UUID.randomUUID() + "@example.com";
    StringBuilder refs = new StringBuilder();
    for (String r : references) {
      refs.append(refs.isEmpty() ? "" : " ").append('<').append(r).append('>');
    }
    deliver("From: " + from + "\r\nTo: " + BOT + "\r\nSubject: Re: " + subject
        + "\r\nMessage-ID: <" + id + ">\r\nIn-Reply-To: <" + references.getLast()
        + ">\r\nReferences: " + refs + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + body + "\r\n");
    return id;
  }

  /** What the bot sent to {@code address}, oldest first. */
  public List<MimeMessage> sentTo(String address) {
    return mail.findReceivedMessages(u -> u.getEmail().equalsIgnoreCase(address), m -> true)
        .toList();
  }

  /** The plain text of each mail sent to {@code address}. */
  public List<String> textsSentTo(String address) {
    List<String> texts = new ArrayList<>();
    for (MimeMessage m : sentTo(address)) {
      try {
        texts.add(MailBody.of(m).text());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return texts;
  }

  /** Whether the mail with {@code messageId} in the bot's inbox is marked seen. */
  public boolean seen(String messageId) throws MessagingException {
    Properties p = new Properties();
    p.setProperty("mail.imap.peek", "true");
    Store store = Session.getInstance(p).getStore("imap");
    store.connect("127.0.0.1", imapPort(), BOT, bot.getPassword());
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      for (Message m : inbox.getMessages()) {
        String[] id = m.getHeader("Message-ID");
        if (id != null && id[0].contains(messageId)) {
          return m.isSet(Flags.Flag.SEEN);
        }
      }
      throw new AssertionError("no mail " + messageId + " in the inbox");
    } finally {
      store.close();
    }
  }

  @Override
  public void close() {
    mail.stop();
    Awaitility.catchUncaughtExceptionsByDefault();
  }
}
