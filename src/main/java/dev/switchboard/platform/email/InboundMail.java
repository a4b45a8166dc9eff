package dev.switchboard.platform.email;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import jakarta.mail.Address;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One mail from the folder, as the gateway takes it, or why it is left alone. A thread of mail
 * is one conversation: the chat is the sender's address and the thread the first Message-ID of
 * its References (else In-Reply-To, else the mail's own), so every reply in a thread, whichever
 * it answers, lands in the same session. Left alone: mail the bot wrote, automatic mail
 * (RFC 3834's Auto-Submitted, bulk and list mail, bounces), and mail whose sender the receiving
 * server could not vouch for ({@link AuthenticationResults}). Whether the sender may talk to the
 * agent is the gateway's decision, as on every platform (a stranger is offered pairing).
 */
final class InboundMail {
  static final String PLATFORM = "email";
  private static final Pattern MESSAGE_ID = Pattern.compile("<([^<>\\s]+)>");
  /** A forward's subject: its quoted mail is what the sender wants read. */
  private static final Pattern FORWARD =
      Pattern.compile("^(fwd?|wg|tr|rv|vs)\\s*:", Pattern.CASE_INSENSITIVE);

  private static final Pattern REPLY_PREFIX = Pattern.compile(
      "^((re|fwd?|aw|sv|antw)\\s*(\\[\\d+\\])?\\s*:\\s*)+", Pattern.CASE_INSENSITIVE);

  /** Headers a mail has once at most (RFC 5322 3.6). */
  private static final List<String> SINGLE =
      List.of("From", "Subject", "Message-ID", "In-Reply-To", "References", "Date", "To");

  /** A subject kept longer than this is cut: it is kept with the thread and sent back. */
  static final int MAX_SUBJECT = 200;

  /** What the gateway takes. */
  sealed interface Outcome permits Taken, Ignored {}

  /**
   * A mail for the gateway.
   *
   * @param subject without its "Re:"
   * @param references the thread's Message-IDs, oldest first, ending with this mail's
   */
  record Taken(InboundMessage message, String subject, List<String> references)
      implements Outcome {}

  /** A mail left alone, and why, in words for the log. */
  record Ignored(String sender, String why) implements Outcome {}

  private final String botAddress;
  private final @Nullable String authservId;
  private final Clock clock;

  InboundMail(String botAddress, @Nullable String authservId, Clock clock) {
    this.botAddress = botAddress;
    this.authservId = authservId;
    this.clock = clock;
  }

  /**
   * @param where the mail's place in the folder ("uidvalidity:uid"), which names its files for
   *     a later download and stands in for a missing Message-ID
   */
  Outcome read(MimeMessage mail, String where) throws MessagingException, IOException {
    return read(mail, where, "uid:" + where);
  }

  /**
   * @param fallbackId the id of a mail without a Message-ID: one that stays the same when the
   *     mail is read again, even from another place in the folder (a hash of its bytes)
   */
  Outcome read(MimeMessage mail, String where, String fallbackId)
      throws MessagingException, IOException {
    Address[] from = mail.getFrom();
    if (from == null || from.length != 1 || !(from[0] instanceof InternetAddress author)) {
      return new Ignored("?", "it has no single From address");
    }
    String sender = author.getAddress() == null ? "" : author.getAddress().toLowerCase(Locale.ROOT);
    int at = sender.lastIndexOf('@');
    if (at <= 0 || at == sender.length() - 1) {
      return new Ignored("?", "its From is not an address");
    }
    String why = automatic(mail, sender);
    if (why != null) {
      return new Ignored(sender, why);
    }
    for (String single : SINGLE) {
      String[] found = mail.getHeader(single);
      if (found != null && found.length > 1) {
        // RFC 5322 allows one; a second above a signed one is how a replayed mail is altered.
        return new Ignored(sender, "it has " + found.length + " " + single + " headers");
      }
    }
    List<AuthenticationResults.Field> fields = new ArrayList<>();
    for (Header h : Collections.list(mail.getAllHeaders())) {
      fields.add(new AuthenticationResults.Field(h.getName(), h.getValue()));
    }
    AuthenticationResults checked = AuthenticationResults.pick(fields, authservId);
    if (checked == null && authservId != null) {
      return new Ignored(sender, "it has no Authentication-Results from " + authservId);
    }
    if (checked != null) {
      AuthenticationResults.Verdict verdict = checked.vouchesFor(sender.substring(at + 1));
      if (!verdict.vouched()) {
        return new Ignored(sender, verdict.why());
      }
    }
    String id = firstId(mail.getHeader("Message-ID", null));
    if (id != null && id.startsWith(InboundMessage.SYNTHETIC_PREFIX)) {
      return new Ignored(sender, "its Message-ID imitates the gateway's own turns");
    }
    String messageId = id != null ? id : fallbackId;
    List<String> references = ids(mail.getHeader("References", " "));
    if (references.isEmpty()) {
      String parent = firstId(mail.getHeader("In-Reply-To", null));
      if (parent != null) {
        references.add(parent);
      }
    }
    String root = references.isEmpty() ? messageId : references.getFirst();
    references.remove(messageId);
    references.add(messageId);
    String subject = subject(mail);
    MailBody body = MailBody.of(mail);
    String raw = mail.getSubject();
    boolean forwarded = raw != null && FORWARD.matcher(raw.strip()).find();
    String text = forwarded ? body.wholeText().strip() : QuotedText.cut(body.text());
    if (text.isEmpty()) {
      text = subject;
    } else if (references.size() == 1 && !subject.isEmpty() && !text.startsWith("/")) {
      text = subject + "\n\n" + text; // a new thread's subject is often half the question
    }
    List<Attachment> files = attachments(body.attachments(), where);
    if (text.isEmpty() && files.isEmpty()) {
      return new Ignored(sender, "it is empty");
    }
    String name = author.getPersonal();
    InboundMessage message = new InboundMessage(
        new ChatRef(PLATFORM, sender, root),
        messageId,
        new Sender(sender, name == null || name.isBlank() ? sender : name.strip()),
        text,
        false,
        clock.instant(),
        files);
    return new Taken(message, subject, references);
  }

  /** Why a mail was written by a machine (which the bot must never answer: loops), or null. */
  private @Nullable String automatic(MimeMessage mail, String sender) throws MessagingException {
    if (sender.equals(botAddress)) {
      return "the bot wrote it";
    }
    String auto = mail.getHeader("Auto-Submitted", null);
    if (auto != null && !auto.strip().toLowerCase(Locale.ROOT).startsWith("no")) {
      return "it was sent automatically (Auto-Submitted: " + auto.strip() + ")";
    }
    String precedence = mail.getHeader("Precedence", null);
    if (precedence != null
        && precedence.strip().toLowerCase(Locale.ROOT).matches("bulk|list|junk|auto_reply")) {
      return "it is bulk mail (Precedence: " + precedence.strip() + ")";
    }
    if (mail.getHeader("List-Id") != null) {
      return "it came through a mailing list";
    }
    String local = sender.substring(0, sender.lastIndexOf('@'));
    if (local.equals("mailer-daemon")
        || local.equals("postmaster")
        || mail.isMimeType("multipart/report")) {
      return "it is a delivery report";
    }
    return null;
  }

  private static String subject(MimeMessage mail) throws MessagingException {
    String s = mail.getSubject();
    String bare =
        s == null ? "" : REPLY_PREFIX.matcher(s.strip()).replaceFirst("").strip();
    return bare.codePointCount(0, bare.length()) <= MAX_SUBJECT
        ? bare
        : bare.substring(0, bare.offsetByCodePoints(0, MAX_SUBJECT));
  }

  private static List<Attachment> attachments(List<Part> parts, String where)
      throws MessagingException {
    List<Attachment> out = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      Part p = parts.get(i);
      String type = p.getContentType() == null ? Attachment.UNKNOWN_TYPE : baseType(p);
      String name = MailBody.fileName(p);
      if (name == null && p.isMimeType("message/rfc822")) {
        name = "forwarded.eml";
      }
      int size = p.getSize(); // of the encoded part: base64 is a third larger than the file
      long approx = size < 0 ? -1 : p.isMimeType("message/rfc822") ? size : size * 3L / 4;
      out.add(new Attachment(AttachmentKind.ofMimeType(type), type, approx, name, where + ":" + i));
    }
    return out;
  }

  private static String baseType(Part p) throws MessagingException {
    String t = p.getContentType();
    int semi = t.indexOf(';');
    return (semi < 0 ? t : t.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }

  static @Nullable String firstId(@Nullable String header) {
    List<String> found = ids(header);
    return found.isEmpty() ? null : found.getFirst();
  }

  /** The Message-IDs in a header, without their angle brackets, in order. */
  static List<String> ids(@Nullable String header) {
    List<String> out = new ArrayList<>();
    if (header != null) {
      Matcher m = MESSAGE_ID.matcher(header);
      while (m.find()) {
        if (!out.contains(m.group(1))) {
          out.add(m.group(1));
        }
      }
    }
    return out;
  }
}
