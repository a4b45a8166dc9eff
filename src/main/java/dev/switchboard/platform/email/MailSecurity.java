package dev.switchboard.platform.email;

/** How a connection to the mail server is protected. */
enum MailSecurity {
  /** TLS from the first byte (IMAP 993, SMTP 465): what RFC 8314 recommends. */
  TLS,
  /** Plain at first, then STARTTLS, which must succeed (IMAP 143, SMTP 587). */
  STARTTLS,
  /** No TLS at all: only for a server on this machine or a private network. */
  NONE;

  int defaultPort(boolean imap) {
    return switch (this) {
      case TLS -> imap ? 993 : 465;
      case STARTTLS, NONE -> imap ? 143 : 587;
    };
  }
}
