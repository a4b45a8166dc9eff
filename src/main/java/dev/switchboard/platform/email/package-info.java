/**
 * Email: {@link dev.switchboard.platform.email.EmailAdapter} reads a mailbox folder over IMAP,
 * woken by IDLE ({@link dev.switchboard.platform.email.ImapWatch}), and answers over SMTP
 * ({@link dev.switchboard.platform.email.SmtpSender}), each thread of mail one conversation.
 *
 * <p>Rule: sees only the platform SPI and the shared basics.
 */
package dev.switchboard.platform.email;
