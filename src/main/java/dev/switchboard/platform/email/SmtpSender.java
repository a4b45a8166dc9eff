package dev.switchboard.platform.email;

import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import jakarta.activation.DataHandler;
import jakarta.activation.FileDataSource;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.SendFailedException;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.jspecify.annotations.Nullable;

/**
 * Sends the bot's mail over SMTP, one connection per mail (a gateway writes a few mails a
 * minute at most; a pooled connection would be one more thing to time out). A reply names the
 * mail it answers in In-Reply-To and the thread in References, so mail clients keep it in the
 * thread, and says it was written by a machine (RFC 3834's Auto-Submitted), so auto-responders
 * do not answer it. The body is the HTML the reply was rendered as, with its text as the plain
 * alternative.
 */
final class SmtpSender {
  /**
   * One mail to send.
   *
   * @param messageId without angle brackets
   * @param inReplyTo the Message-ID of the mail answered, or null for a new thread
   * @param references the thread's Message-IDs, oldest first (empty for a new thread)
   * @param html the body as HTML (a fragment), or null for plain text only
   */
  record Outgoing(
      String to,
      String subject,
      String messageId,
      @Nullable String inReplyTo,
      List<String> references,
      String plain,
      @Nullable String html,
      @Nullable OutboundFile file) {}

  private final EmailSettings settings;
  private final MailSessions sessions;
  private final Clock clock;

  SmtpSender(EmailSettings settings, MailSessions sessions, Clock clock) {
    this.settings = settings;
    this.sessions = sessions;
    this.clock = clock;
  }

  /** Sends {@code mail}; a failure says whether it may have gone ({@link PlatformException}). */
  void send(Outgoing mail) throws PlatformException {
    MimeMessage message;
    try {
      message = build(mail);
    } catch (AddressException e) {
      throw new PlatformException("'" + mail.to() + "' is not an email address", true, e);
    } catch (MessagingException e) {
      throw new PlatformException("the mail could not be written: " + e.getMessage(), true, e);
    }
    if (mail.file() != null && !Files.isReadable(mail.file().path())) {
      throw new PlatformException("the file " + mail.file().fileName() + " cannot be read", true);
    }
    Transport transport = sessions.smtpTransport();
    try {
      try {
        sessions.login(transport);
      } catch (AuthenticationFailedException e) {
        throw loginFailed(transport, e);
      } catch (MessagingException e) {
        throw new PlatformException(
            "could not reach the SMTP server " + settings.smtp() + ": " + ImapWatch.describe(e),
            false,
            e);
      }
      try {
        transport.sendMessage(message, message.getAllRecipients());
      } catch (MessagingException e) {
        throw failed(e);
      }
    } finally {
      try {
        transport.close();
      } catch (MessagingException e) {
        // The mail went (or the failure is thrown already); a failed QUIT changes nothing.
      }
    }
  }

  /**
   * Angus reports every AUTH answer but 235 as a refused login, "454 try again later" and a
   * connection dropped during AUTH included: those are not a wrong password, and the mail is
   * tried again.
   */
  private PlatformException loginFailed(Transport transport, AuthenticationFailedException e) {
    int code = transport instanceof SMTPTransport smtp ? smtp.getLastReturnCode() : -1;
    if (e.getCause() != null || (code >= 400 && code < 500)) {
      return new PlatformException(
          "the SMTP server " + settings.smtp().host() + " could not take the login now ("
              + (code > 0 ? code + " " : "") + ImapWatch.describe(e) + ")",
          false,
          e);
    }
    return new PlatformException(
        "the SMTP server " + settings.smtp().host() + " refused the login of " + settings.user()
            + "; check " + EmailSettings.PASSWORD.where(),
        true,
        e);
  }

  /**
   * Whether the server offered a login on this connection: one that offers it only after
   * STARTTLS offers none to a plain connection, and the mail is then sent without one (a relay
   * on this machine may take it; a provider answers 530).
   */
  static boolean offersLogin(Transport transport) {
    return !(transport instanceof SMTPTransport smtp)
        || smtp.supportsExtension("AUTH")
        || smtp.supportsExtension("AUTH=LOGIN");
  }

  /** For doctor: what a server that offers no login means. */
  static String noLogin(EmailSettings s) {
    return "the SMTP server " + s.smtp() + " offers no login on this connection (no AUTH): mail"
        + " goes only if it relays for this machine without one";
  }

  /**
   * A refused mail by the server's reply code: 4xx is "not now" (not sent, try again); 552 for
   * the mail itself (not for a recipient: a full mailbox) or RFC 3463's 5.3.4 is its size (a
   * smaller one may go); any other 5xx is for good (the recipient or the sender refused).
   * Without a code the connection broke during the send, and the mail may have gone.
   */
  private PlatformException failed(MessagingException e) {
    int code = replyCode(e);
    String said = ImapWatch.describe(e);
    String what = "the SMTP server refused the mail (" + (code > 0 ? code + " " : "") + said + ")";
    if (code >= 400 && code < 500) {
      return new PlatformException(what, false, e);
    }
    boolean recipient = addressFailure(e);
    if ((code == 552 && !recipient) || said.contains("5.3.4")) {
      return PlatformException.refused(what, said, e);
    }
    if (code >= 500) {
      return new PlatformException(what, true, e);
    }
    return PlatformException.unknownOutcome(
        "the connection to the SMTP server broke while sending: " + said, e);
  }

  private static boolean addressFailure(Exception e) {
    Exception at = e;
    for (int depth = 0; at != null && depth < 10; depth++) {
      if (at instanceof SMTPAddressFailedException) {
        return true;
      }
      at = at instanceof MessagingException m ? m.getNextException() : null;
    }
    return false;
  }

  private static int replyCode(Exception e) {
    Exception at = e;
    for (int depth = 0; at != null && depth < 10; depth++) {
      switch (at) {
        case SMTPSendFailedException f -> {
          return f.getReturnCode();
        }
        case SMTPAddressFailedException f -> {
          return f.getReturnCode();
        }
        case SMTPSenderFailedException f -> {
          return f.getReturnCode();
        }
        default -> {}
      }
      at = at instanceof MessagingException m ? m.getNextException() : null;
    }
    return e instanceof SendFailedException ? 550 : -1;
  }

  private MimeMessage build(Outgoing mail) throws MessagingException {
    String id = "<" + mail.messageId() + ">";
    MimeMessage message = new MimeMessage(sessions.smtpSession()) {
      @Override
      protected void updateMessageID() throws MessagingException {
        // Jakarta Mail makes its own at the send; ours is known before, and is what the
        // gateway records as the message sent.
        setHeader("Message-ID", id);
      }
    };
    message.setFrom(new InternetAddress(settings.address()));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.to(), true));
    message.setSubject(mail.subject(), "UTF-8");
    message.setSentDate(Date.from(clock.instant()));
    String parent = mail.inReplyTo();
    if (parent != null && wireId(parent)) {
      message.setHeader("In-Reply-To", MimeUtility.fold(13, "<" + parent + ">"));
    }
    String references = mail.references().stream()
        .filter(SmtpSender::wireId)
        .map(r -> "<" + r + ">")
        .collect(Collectors.joining(" "));
    if (!references.isEmpty()) {
      // Folded between the ids: a line of a mail may not pass 998 characters (RFC 5322 2.1.1).
      message.setHeader("References", MimeUtility.fold(12, references));
    }
    // RFC 3834: an answer is auto-replied, a message of the gateway's own auto-generated.
    message.setHeader("Auto-Submitted", parent == null ? "auto-generated" : "auto-replied");
    if (mail.file() == null) {
      if (mail.html() == null) {
        message.setText(mail.plain(), "UTF-8");
      } else {
        message.setContent(alternative(mail.plain(), mail.html()));
      }
    } else {
      MimeBodyPart body = new MimeBodyPart();
      if (mail.html() == null) {
        body.setText(mail.plain(), "UTF-8");
      } else {
        body.setContent(alternative(mail.plain(), mail.html()));
      }
      MimeMultipart mixed = new MimeMultipart("mixed");
      mixed.addBodyPart(body);
      mixed.addBodyPart(attachment(mail.file()));
      message.setContent(mixed);
    }
    // Now, not at the send: a header or MIME type that cannot be written fails before the
    // server is told anything, rather than in the middle of DATA.
    message.saveChanges();
    return message;
  }

  /**
   * An id fit to name in a header: a real Message-ID (with its @), not the stand-in of a mail
   * that had none, and not one so long a header line could not hold it.
   */
  static boolean wireId(String id) {
    return id.indexOf('@') > 0 && id.length() <= 250;
  }

  private static MimeMultipart alternative(String plain, String html) throws MessagingException {
    MimeBodyPart text = new MimeBodyPart();
    text.setText(plain, "UTF-8");
    MimeBodyPart rich = new MimeBodyPart();
    rich.setText(document(html), "UTF-8", "html");
    MimeMultipart alternative = new MimeMultipart("alternative"); // least preferred first
    alternative.addBodyPart(text);
    alternative.addBodyPart(rich);
    return alternative;
  }

  private static String document(String fragment) {
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n" + fragment
        + "\n</body></html>\n";
  }

  private static MimeBodyPart attachment(OutboundFile file) throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    FileDataSource source = new FileDataSource(file.path().toFile()) {
      @Override
      public String getContentType() {
        return file.mimeType();
      }
    };
    part.setDataHandler(new DataHandler(source));
    part.setFileName(file.fileName().isBlank() ? "file" : file.fileName());
    part.setDisposition(Part.ATTACHMENT);
    return part;
  }
}
