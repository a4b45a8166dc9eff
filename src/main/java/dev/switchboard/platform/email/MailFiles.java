package dev.switchboard.platform.email;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.PlatformException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;

/**
 * The bytes of a file that came with a mail, fetched again from the folder when the gateway
 * asks for them: the mail stays on the server, so nothing is held in memory meanwhile, and a
 * restart in between fetches them as well. The attachment's ref is the mail's place in the
 * folder and the file's place in {@link MailBody}'s walk ("uidvalidity:uid:index").
 */
final class MailFiles {
  private final EmailSettings settings;
  private final MailSessions sessions;

  MailFiles(EmailSettings settings, MailSessions sessions) {
    this.settings = settings;
    this.sessions = sessions;
  }

  InputStream open(Attachment attachment, long maxBytes) throws PlatformException {
    String[] ref = attachment.ref().split(":", -1);
    long validity;
    long uid;
    int index;
    try {
      validity = Long.parseLong(ref[0]);
      uid = Long.parseLong(ref[1]);
      index = Integer.parseInt(ref[2]);
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new PlatformException("not a file of an email: " + attachment.ref(), true, e);
    }
    IMAPStore store = sessions.imapStore();
    try {
      sessions.login(store);
      IMAPFolder folder = (IMAPFolder) store.getFolder(settings.folder());
      folder.open(Folder.READ_ONLY);
      try {
        if (folder.getUIDValidity() != validity) {
          throw gone(attachment, "the folder was renumbered since");
        }
        Message m = folder.getMessageByUID(uid);
        if (m == null) {
          throw gone(attachment, "the mail is no longer in " + settings.folder());
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        m.writeTo(raw);
        MimeMessage mail =
            new MimeMessage(sessions.smtpSession(), new ByteArrayInputStream(raw.toByteArray()));
        List<Part> files = MailBody.of(mail).attachments();
        if (index < 0 || index >= files.size()) {
          throw gone(attachment, "the mail has no such file");
        }
        try (InputStream in = files.get(index).getInputStream()) {
          byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
          if (bytes.length > maxBytes) {
            throw new PlatformException(
                attachment.describe() + " is larger than the " + maxBytes / (1024 * 1024)
                    + " MB the gateway takes from email",
                true);
          }
          return new ByteArrayInputStream(bytes);
        }
      } finally {
        folder.close(false);
      }
    } catch (AuthenticationFailedException e) {
      throw new PlatformException(ImapWatch.refusedLogin(settings, e), true, e);
    } catch (MessagingException | IOException e) {
      throw new PlatformException(
          "could not fetch " + attachment.describe() + " from the IMAP server: "
              + ImapWatch.describe(e),
          false,
          e);
    } finally {
      try {
        store.close();
      } catch (MessagingException e) {
        // fetched or failed already; the connection is gone either way
      }
    }
  }

  private static PlatformException gone(Attachment attachment, String why) {
    return new PlatformException("could not fetch " + attachment.describe() + ": " + why, true);
  }
}
