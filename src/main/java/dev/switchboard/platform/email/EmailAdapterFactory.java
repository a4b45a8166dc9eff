package dev.switchboard.platform.email;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformAdapterFactory;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.angus.mail.imap.IMAPStore;

/** The {@code email} platform: on when a password is set. */
public final class EmailAdapterFactory implements PlatformAdapterFactory {
  @Override
  public String name() {
    return EmailAdapter.PLATFORM;
  }

  @Override
  public ConfigKey<Boolean> enabledKey() {
    return EmailSettings.ENABLED;
  }

  @Override
  public List<ConfigKey<?>> credentialKeys() {
    return List.of(EmailSettings.PASSWORD);
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return EmailSettings.keys();
  }

  @Override
  public PlatformAdapter create(Config config, Path home) {
    EmailSettings.addresses(config, EmailSettings.ALLOWED_USERS);
    EmailSettings.addresses(config, EmailSettings.ADMIN_USERS);
    return new EmailAdapter(EmailSettings.from(config), Clock.systemUTC());
  }

  /**
   * Logs in to both servers, and looks at the folder (its size, whether the server has IDLE),
   * reading and changing nothing. Each step is bounded by the connect and read timeouts.
   */
  @Override
  public List<Finding> diagnose(Config config, Path home) {
    EmailSettings s = EmailSettings.from(config);
    List<Finding> found = new ArrayList<>();
    try (ExecutorService events = Executors.newVirtualThreadPerTaskExecutor()) {
      MailSessions sessions = new MailSessions(s, events);
      found.add(imap(s, sessions));
      found.add(smtp(s, sessions));
    }
    if (s.authservId() == null) {
      found.add(Finding.warn(
          name(),
          EmailSettings.AUTHSERV_ID.path() + " is not set: a mail's From address is believed"
              + " unless its topmost Authentication-Results header says otherwise, and a mail"
              + " without one is taken",
          "set " + EmailSettings.AUTHSERV_ID.where() + " to the first word of the"
              + " Authentication-Results header your receiving server writes"));
    }
    for (EmailSettings.Server server : List.of(s.imap(), s.smtp())) {
      if (server.security() == MailSecurity.NONE && !loopback(server.host())) {
        found.add(Finding.warn(
            name(),
            "the connection to " + server.host() + " is not encrypted: the password crosses"
                + " the network readable",
            "set " + EmailSettings.IMAP_SECURITY.where() + " and "
                + EmailSettings.SMTP_SECURITY.where() + " to tls or starttls"));
      }
    }
    return found;
  }

  private Finding imap(EmailSettings s, MailSessions sessions) {
    IMAPStore store = sessions.imapStore();
    try {
      sessions.login(store);
      Folder folder = store.getFolder(s.folder());
      if (!folder.exists()) {
        return Finding.fail(
            name(),
            "IMAP: " + s.imap() + " has no folder '" + s.folder() + "'",
            "set " + EmailSettings.FOLDER.where() + " to one of the mailbox's folders");
      }
      boolean idle = store.hasCapability("IDLE");
      return Finding.ok(
          name(),
          "IMAP: logged in as " + s.user() + " on " + s.imap() + "; " + s.folder() + " holds "
              + folder.getMessageCount() + " mails; "
              + (idle
                  ? "new mail arrives at once (IDLE)"
                  : "no IDLE, checked every " + s.pollInterval().toSeconds() + " s"));
    } catch (AuthenticationFailedException e) {
      return Finding.fail(
          name(),
          "IMAP: " + ImapWatch.refusedLogin(s, e),
          "set " + EmailSettings.PASSWORD.where() + " (and " + EmailSettings.USER.where()
              + " if the login is not the address)");
    } catch (MessagingException e) {
      return Finding.fail(
          name(),
          "IMAP: " + ImapWatch.unreachable(s, e),
          "check " + EmailSettings.IMAP_HOST.where() + ", " + EmailSettings.IMAP_PORT.where()
              + " and " + EmailSettings.IMAP_SECURITY.where());
    } finally {
      try {
        store.close();
      } catch (MessagingException e) {
        // the finding is made; a failed LOGOUT changes nothing
      }
    }
  }

  private Finding smtp(EmailSettings s, MailSessions sessions) {
    Transport transport = sessions.smtpTransport();
    try {
      sessions.login(transport);
      if (!SmtpSender.offersLogin(transport)) {
        return Finding.warn(
            name(),
            "SMTP: " + SmtpSender.noLogin(s),
            "for a provider, set " + EmailSettings.SMTP_SECURITY.where() + " and "
                + EmailSettings.SMTP_PORT.where() + " as it says for sending mail (often"
                + " starttls on 587)");
      }
      return Finding.ok(name(), "SMTP: " + s.smtp() + " accepted the login of " + s.user());
    } catch (AuthenticationFailedException e) {
      return Finding.fail(
          name(),
          "SMTP: the server " + s.smtp().host() + " refused the login of " + s.user(),
          "set " + EmailSettings.PASSWORD.where() + " (and " + EmailSettings.USER.where()
              + " if the login is not the address)");
    } catch (MessagingException e) {
      return Finding.fail(
          name(),
          "SMTP: could not reach " + s.smtp() + ": " + ImapWatch.describe(e),
          "check " + EmailSettings.SMTP_HOST.where() + ", " + EmailSettings.SMTP_PORT.where()
              + " and " + EmailSettings.SMTP_SECURITY.where());
    } finally {
      try {
        transport.close();
      } catch (MessagingException e) {
        // as above
      }
    }
  }

  private static boolean loopback(String host) {
    return host.equals("localhost")
        || host.startsWith("127.")
        || host.equals("::1")
        || host.equals("[::1]");
  }

  @Override
  public List<String> allowedUsers(Config config) {
    return EmailSettings.addresses(config, EmailSettings.ALLOWED_USERS);
  }

  @Override
  public List<String> adminUsers(Config config) {
    return EmailSettings.addresses(config, EmailSettings.ADMIN_USERS);
  }
}
