package dev.switchboard.platform.email;

import jakarta.mail.MessagingException;
import jakarta.mail.NoSuchProviderException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.eclipse.angus.mail.imap.IMAPStore;

/**
 * Jakarta Mail sessions for the two servers, with what the defaults leave out: every timeout is
 * infinite unless set (a silent server would hang a connect or a read for ever), STARTTLS is
 * optional unless required, and fetching a message would mark it seen unless peeked (a message
 * is marked seen only once it is journaled).
 */
final class MailSessions {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /**
   * A read that waits this long fails, except while IDLE waits for news: Angus ignores a read
   * timeout in IDLE (a quiet mailbox is not a dead link), and the keep-alive's NOOP, answered
   * within this time or not, tells the two apart.
   */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  /**
   * SMTP's answer to the end of a mail may wait for the server's content filters (RFC 5321
   * suggests waiting 10 minutes); a mail given up on too soon may have gone, so it is not sent
   * again.
   */
  static final Duration SMTP_READ_TIMEOUT = Duration.ofMinutes(2);
  /**
   * A server that stops reading in the middle of a large mail would block the write for ever
   * (a read timeout does not cover writes). Angus times writes out with a scheduler thread per
   * connection, which SMTP's short connections can afford.
   */
  static final Duration SMTP_WRITE_TIMEOUT = Duration.ofSeconds(60);

  private final EmailSettings settings;
  private final Session imap;
  private final Session smtp;

  /** @param events where Jakarta Mail runs its listeners (a new message's nudge) */
  MailSessions(EmailSettings settings, Executor events) {
    this.settings = settings;
    this.imap = Session.getInstance(imapProperties(settings, events));
    this.smtp = Session.getInstance(smtpProperties(settings));
  }

  static String imapProtocol(EmailSettings s) {
    return s.imap().security() == MailSecurity.TLS ? "imaps" : "imap";
  }

  static String smtpProtocol(EmailSettings s) {
    return s.smtp().security() == MailSecurity.TLS ? "smtps" : "smtp";
  }

  private static Properties imapProperties(EmailSettings s, Executor events) {
    String p = "mail." + imapProtocol(s) + ".";
    Properties props = common(p, s.imap(), READ_TIMEOUT);
    props.setProperty(p + "peek", "true");
    props.put("mail.event.executor", events);
    return props;
  }

  private static Properties smtpProperties(EmailSettings s) {
    String p = "mail." + smtpProtocol(s) + ".";
    Properties props = common(p, s.smtp(), SMTP_READ_TIMEOUT);
    props.setProperty(p + "writetimeout", Long.toString(SMTP_WRITE_TIMEOUT.toMillis()));
    props.setProperty(p + "auth", "true");
    props.setProperty(p + "from", s.address()); // the envelope sender: bounces come back here
    props.setProperty(p + "localhost", s.domain()); // EHLO: this machine's name may not resolve
    return props;
  }

  private static Properties common(String p, EmailSettings.Server server, Duration read) {
    Properties props = new Properties();
    props.setProperty(p + "host", server.host());
    props.setProperty(p + "port", Integer.toString(server.port()));
    props.setProperty(p + "connectiontimeout", Long.toString(CONNECT_TIMEOUT.toMillis()));
    props.setProperty(p + "timeout", Long.toString(read.toMillis()));
    if (server.security() == MailSecurity.STARTTLS) {
      props.setProperty(p + "starttls.enable", "true");
      props.setProperty(p + "starttls.required", "true");
    }
    if (server.security() != MailSecurity.NONE) {
      props.setProperty(p + "ssl.checkserveridentity", "true");
    }
    return props;
  }

  /** A new, unconnected IMAP store. */
  IMAPStore imapStore() {
    try {
      return (IMAPStore) imap.getStore(imapProtocol(settings));
    } catch (NoSuchProviderException e) {
      throw new IllegalStateException("Angus Mail's IMAP provider is missing", e);
    }
  }

  /** Connects {@code store} with the bot's login. */
  void login(IMAPStore store) throws MessagingException {
    store.connect(
        settings.imap().host(), settings.imap().port(), settings.user(), settings.password());
  }

  /** A new, unconnected SMTP transport. */
  Transport smtpTransport() {
    try {
      return smtp.getTransport(smtpProtocol(settings));
    } catch (NoSuchProviderException e) {
      throw new IllegalStateException("Angus Mail's SMTP provider is missing", e);
    }
  }

  /** Connects {@code transport} with the bot's login. */
  void login(Transport transport) throws MessagingException {
    transport.connect(
        settings.smtp().host(), settings.smtp().port(), settings.user(), settings.password());
  }

  /** The session mail is parsed and written in. */
  Session smtpSession() {
    return smtp;
  }
}
