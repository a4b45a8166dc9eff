package dev.switchboard.platform.email;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A mail's text and files, walked the same way every time so that an attachment's place in the
 * walk names it later ({@link #attachments}' index). Of {@code multipart/alternative} the plain
 * text is taken when there is one (it is what the sender wrote; the HTML is a rendering of it),
 * else the richest part; every part of {@code mixed} and {@code related} is visited. A part with
 * a file name, or marked as an attachment, is a file, except images inside {@code related},
 * which are the HTML's own decoration (logos in a signature). A forwarded mail is a file.
 */
final class MailBody {
  /** Parts nested deeper than this are not read: no real mail needs it, a hostile one might. */
  private static final int MAX_DEPTH = 10;
  /** Of one text part: more than a person writes in a mail, little for memory. */
  static final int MAX_TEXT_BYTES = 1024 * 1024;

  private final StringBuilder plain = new StringBuilder();
  private final StringBuilder html = new StringBuilder();
  private final List<Part> attachments = new ArrayList<>();

  private MailBody() {}

  static MailBody of(Part mail) throws MessagingException, IOException {
    MailBody body = new MailBody();
    body.walk(mail, 0, false);
    return body;
  }

  /** The text the sender wrote: the plain parts, else the HTML's text without quoted mail. */
  String text() {
    if (!plain.isEmpty()) {
      return plain.toString();
    }
    return html.isEmpty() ? "" : HtmlToText.text(html.toString());
  }

  /** All the text, quoted mail included: for a forwarded mail, whose quote is the point. */
  String wholeText() {
    if (!plain.isEmpty()) {
      return plain.toString();
    }
    return html.isEmpty() ? "" : HtmlToText.whole(html.toString());
  }

  /** The files, in the order of the walk. */
  List<Part> attachments() {
    return attachments;
  }

  private void walk(Part p, int depth, boolean related) throws MessagingException, IOException {
    if (depth > MAX_DEPTH) {
      return;
    }
    if (p.isMimeType("multipart/*")) {
      Object content = p.getContent();
      if (!(content instanceof Multipart mp)) {
        return;
      }
      if (p.isMimeType("multipart/alternative")) {
        walk(preferred(mp), depth + 1, related);
        return;
      }
      boolean inRelated = p.isMimeType("multipart/related");
      for (int i = 0; i < mp.getCount(); i++) {
        walk(mp.getBodyPart(i), depth + 1, inRelated);
      }
      return;
    }
    String disposition = p.getDisposition();
    String name = fileName(p);
    boolean text = p.isMimeType("text/plain") || p.isMimeType("text/html");
    if (p.isMimeType("message/rfc822")
        || Part.ATTACHMENT.equalsIgnoreCase(disposition)
        || (name != null && !text)) {
      if (!(related && p.isMimeType("image/*") && !Part.ATTACHMENT.equalsIgnoreCase(disposition))) {
        attachments.add(p);
      }
      return;
    }
    if (p.isMimeType("text/plain")) {
      append(plain, read(p));
    } else if (p.isMimeType("text/html")) {
      append(html, read(p));
    }
  }

  /** The plain text of an alternative when it has one, else its last (richest) part. */
  private static Part preferred(Multipart alternative) throws MessagingException {
    BodyPart last = alternative.getBodyPart(alternative.getCount() - 1);
    for (int i = 0; i < alternative.getCount(); i++) {
      BodyPart part = alternative.getBodyPart(i);
      if (part.isMimeType("text/plain")
          && !Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
        return part;
      }
    }
    return last;
  }

  private static void append(StringBuilder to, String text) {
    if (!to.isEmpty()) {
      to.append("\n\n");
    }
    to.append(text);
  }

  static @Nullable String fileName(Part p) {
    try {
      String name = p.getFileName();
      return name == null || name.isBlank()
          ? null
          : MimeUtility.decodeText(name).strip();
    } catch (MessagingException | IOException e) {
      return null; // a name that cannot be decoded is no name; the part is still read
    }
  }

  /**
   * A text part in its declared charset; one Java does not know (or a part that declares none)
   * is read as UTF-8, which shows ASCII right and marks what it cannot read.
   */
  private static String read(Part p) throws MessagingException, IOException {
    Charset charset = StandardCharsets.UTF_8;
    try {
      String declared = new ContentType(p.getContentType()).getParameter("charset");
      if (declared != null) {
        charset = Charset.forName(MimeUtility.javaCharset(declared.trim()));
      }
    } catch (MessagingException | IllegalArgumentException e) {
      charset = StandardCharsets.UTF_8;
    }
    try (InputStream in = p.getInputStream()) {
      // Read before anyone is authorized: a mail's text is held to what a person writes.
      return new String(in.readNBytes(MAX_TEXT_BYTES), charset).replace("\r\n", "\n");
    }
  }
}
