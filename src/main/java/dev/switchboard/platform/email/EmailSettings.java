package dev.switchboard.platform.email;

import dev.switchboard.common.RedactedRecord;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The email adapter's settings, under {@code platforms.email.}: the bot's address and password,
 * the IMAP server it reads and the SMTP server it answers through.
 *
 * @param address the bot's own address, lower case: the From of its replies
 * @param user the login name on both servers (the address unless set)
 * @param authservId the receiving server's name in its Authentication-Results, or null to
 *     trust the topmost such header
 */
record EmailSettings(
    String address,
    String user,
    String password,
    Server imap,
    Server smtp,
    String folder,
    Duration pollInterval,
    @Nullable String authservId) {

  /** One server: where it is and how the connection is protected. */
  record Server(String host, int port, MailSecurity security) {
    @Override
    public String toString() {
      return host + ":" + port + " (" + security.name().toLowerCase(Locale.ROOT) + ")";
    }
  }

  static final ConfigKey<Boolean> ENABLED = ConfigKey.optional(
      "platforms.email.enabled",
      "EMAIL_ENABLED",
      ValueType.bool(),
      null,
      "Turn the email adapter on or off; by default it is on when a password is set.");
  static final ConfigKey<String> ADDRESS = ConfigKey.optional(
      "platforms.email.address",
      "EMAIL_ADDRESS",
      ValueType.string(),
      null,
      "The bot's email address: the mailbox it reads and the From of its replies.");
  static final ConfigKey<String> USER = ConfigKey.optional(
      "platforms.email.user",
      "EMAIL_USER",
      ValueType.string(),
      null,
      "The login name on the IMAP and SMTP servers, when it is not the address.");
  static final ConfigKey<String> PASSWORD = ConfigKey.secret(
      "platforms.email.password",
      "EMAIL_PASSWORD",
      false,
      "The mailbox's password (an app password where the provider has them). Setting it enables"
          + " email.");
  static final ConfigKey<String> IMAP_HOST = ConfigKey.optional(
      "platforms.email.imap_host",
      "EMAIL_IMAP_HOST",
      ValueType.string(),
      null,
      "The IMAP server's host name (imap.example.com).");
  static final ConfigKey<Integer> IMAP_PORT = ConfigKey.optional(
      "platforms.email.imap_port",
      "EMAIL_IMAP_PORT",
      ValueType.integer(1, 65_535),
      null,
      "The IMAP server's port; by default 993 with tls, 143 otherwise.");
  static final ConfigKey<MailSecurity> IMAP_SECURITY = ConfigKey.optional(
      "platforms.email.imap_security",
      "EMAIL_IMAP_SECURITY",
      ValueType.choice(MailSecurity.class),
      MailSecurity.TLS,
      "How the IMAP connection is protected: tls (from the first byte), starttls, or none (only"
          + " for a server on this machine or a private network).");
  static final ConfigKey<String> SMTP_HOST = ConfigKey.optional(
      "platforms.email.smtp_host",
      "EMAIL_SMTP_HOST",
      ValueType.string(),
      null,
      "The SMTP server's host name (smtp.example.com).");
  static final ConfigKey<Integer> SMTP_PORT = ConfigKey.optional(
      "platforms.email.smtp_port",
      "EMAIL_SMTP_PORT",
      ValueType.integer(1, 65_535),
      null,
      "The SMTP server's port; by default 465 with tls, 587 otherwise.");
  static final ConfigKey<MailSecurity> SMTP_SECURITY = ConfigKey.optional(
      "platforms.email.smtp_security",
      "EMAIL_SMTP_SECURITY",
      ValueType.choice(MailSecurity.class),
      MailSecurity.TLS,
      "How the SMTP connection is protected: tls, starttls or none, as for IMAP.");
  static final ConfigKey<String> FOLDER = ConfigKey.optional(
      "platforms.email.folder",
      "EMAIL_FOLDER",
      ValueType.string(),
      "INBOX",
      "The mailbox folder whose new mail is read.");
  static final ConfigKey<Duration> POLL_INTERVAL = ConfigKey.optional(
      "platforms.email.poll_interval",
      "EMAIL_POLL_INTERVAL",
      ValueType.duration(Duration.ofSeconds(5), Duration.ofMinutes(30)),
      Duration.ofMinutes(1),
      "How often the folder is checked when the IMAP server has no IDLE (most have it: new mail"
          + " then arrives at once).");
  static final ConfigKey<String> AUTHSERV_ID = ConfigKey.optional(
      "platforms.email.authserv_id",
      "EMAIL_AUTHSERV_ID",
      ValueType.string(),
      null,
      "The name your receiving mail server writes first in its Authentication-Results header"
          + " (mx.example.com); mail without such a header from it is then ignored. Unset, the"
          + " topmost Authentication-Results header is read where there is one.");
  static final ConfigKey<List<String>> ALLOWED_USERS = ConfigKey.optional(
      "platforms.email.allowed_users",
      "EMAIL_ALLOWED_USERS",
      ValueType.stringList(),
      List.of(),
      "Email addresses allowed to talk to the agent (compared without regard to case).");
  static final ConfigKey<List<String>> ADMIN_USERS = ConfigKey.optional(
      "platforms.email.admin_users",
      "EMAIL_ADMIN_USERS",
      ValueType.stringList(),
      List.of(),
      "Email addresses that may also run admin commands such as /restart.");

  static List<ConfigKey<?>> keys() {
    return List.of(
        ENABLED,
        ADDRESS,
        USER,
        PASSWORD,
        IMAP_HOST,
        IMAP_PORT,
        IMAP_SECURITY,
        SMTP_HOST,
        SMTP_PORT,
        SMTP_SECURITY,
        FOLDER,
        POLL_INTERVAL,
        AUTHSERV_ID,
        ALLOWED_USERS,
        ADMIN_USERS);
  }

  static EmailSettings from(Config c) {
    String address = c.get(ADDRESS);
    if (address == null || address.isBlank()) {
      throw new ConfigException(
          ADDRESS.path(),
          "email is enabled but has no address; set " + ADDRESS.env() + " (bot@example.com)");
    }
    String password = c.get(PASSWORD);
    if (password == null || password.isEmpty()) {
      throw new ConfigException(
          PASSWORD.path(), "email is enabled but has no password; set " + PASSWORD.env());
    }
    String user = c.get(USER);
    String folder = c.get(FOLDER);
    if (folder.isBlank()) {
      throw new ConfigException(FOLDER.path(), "the folder name is empty");
    }
    String id = c.get(AUTHSERV_ID);
    String bare = canonical(ADDRESS, address);
    return new EmailSettings(
        bare,
        user == null || user.isBlank() ? bare : user,
        password,
        server(c, IMAP_HOST, IMAP_PORT, IMAP_SECURITY, true),
        server(c, SMTP_HOST, SMTP_PORT, SMTP_SECURITY, false),
        folder,
        c.get(POLL_INTERVAL),
        id == null || id.isBlank() ? null : id.trim());
  }

  private static Server server(
      Config c,
      ConfigKey<String> hostKey,
      ConfigKey<Integer> portKey,
      ConfigKey<MailSecurity> securityKey,
      boolean imap) {
    String host = c.get(hostKey);
    if (host == null || host.isBlank()) {
      throw new ConfigException(
          hostKey.path(),
          "email is enabled but has no " + (imap ? "IMAP" : "SMTP") + " server; set "
              + hostKey.env() + " (" + (imap ? "imap" : "smtp") + ".example.com)");
    }
    if (!host.trim().matches("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]")) {
      throw new ConfigException(
          hostKey.path(),
          "expected a host name (the port is " + portKey.path() + "; an IPv6 address goes in"
              + " brackets, [::1]), got '" + host + "'");
    }
    MailSecurity security = c.get(securityKey);
    Integer port = c.get(portKey);
    return new Server(host.trim(), port != null ? port : security.defaultPort(imap), security);
  }

  /** An address as the gateway compares them: bare, lower case; a bad one names its key. */
  static String canonical(ConfigKey<?> key, String address) {
    try {
      InternetAddress parsed = new InternetAddress(address.trim(), true);
      return parsed.getAddress().toLowerCase(Locale.ROOT);
    } catch (AddressException e) {
      throw new ConfigException(
          key.path(), "expected an email address, got '" + address + "': " + e.getMessage());
    }
  }

  /** Allowed or admin addresses as the gateway compares them; a bad one names its key. */
  static List<String> addresses(Config c, ConfigKey<List<String>> key) {
    List<String> out = new ArrayList<>();
    for (String a : c.get(key)) {
      out.add(canonical(key, a));
    }
    return out;
  }

  /** The domain of the bot's address, for the Message-IDs of its replies. */
  String domain() {
    return address.substring(address.lastIndexOf('@') + 1);
  }

  /** Without the password. */
  @Override
  public String toString() {
    return RedactedRecord.toString(this, Set.of("password"));
  }
}
