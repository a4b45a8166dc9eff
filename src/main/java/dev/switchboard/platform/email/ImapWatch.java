package dev.switchboard.platform.email;

import dev.switchboard.common.Backoff;
import dev.switchboard.platform.ReconnectingLoop;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import jakarta.mail.UIDFolder;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one IMAP folder for a {@link ReconnectingLoop}: logs in, hands over every mail that
 * arrived since the last one handed over, then waits in IDLE (RFC 2177) until the server says
 * something changed, or polls where the server has no IDLE. The position is the folder's
 * UIDVALIDITY and the last UID handed over, kept in the store after each mail, so a dropped
 * connection, a restart or a crash resumes after the last mail the journal took: none is
 * skipped, and one handed over twice (a crash between the journal and the position) is dropped
 * by the journal. A mail is marked {@code \Seen} once taken, never before: messages are read
 * with BODY.PEEK.
 *
 * <p>A server forgets an IDLE after 30 minutes, and a dead link is silent, so {@link #keepAlive}
 * sends a NOOP every few minutes from another thread: it ends the IDLE (the loop checks the
 * folder and idles again), and on a dead link it times out and ends the connection.
 */
final class ImapWatch implements ReconnectingLoop.Connection {
  private static final Logger log = LoggerFactory.getLogger(ImapWatch.class);
  static final String CURSOR = "email.imap";
  static final Duration KEEP_ALIVE = Duration.ofMinutes(5);
  /** How far back unread mail is read again when the folder was renumbered. */
  static final Duration RENUMBERED = Duration.ofDays(1);
  /** A mail larger than this is left in the folder, unread, and said so in the log. */
  static final long MAX_MAIL_BYTES = 25L * 1024 * 1024;

  /** Where the watch hands each new mail. */
  interface Mailbox {
    /**
     * One mail's bytes, from {@code uid} in a folder of {@code uidValidity}; returns once it is
     * journaled (true) or left alone (false). Throws (the mail is then read again at the next
     * connection) when it could be neither.
     */
    boolean mail(long uidValidity, long uid, byte[] raw) throws InterruptedException;
  }

  /** The last mail handed over; {@code unseenOnly} while a changed UIDVALIDITY is caught up. */
  record Position(long uidValidity, long lastUid, boolean unseenOnly) {
    String write(String account) {
      return uidValidity + " " + lastUid + " " + (unseenOnly ? 1 : 0) + " " + account;
    }

    /** The saved position, if it is this account's and folder's. */
    static Optional<Position> read(@Nullable String saved, String account) {
      if (saved == null) {
        return Optional.empty();
      }
      String[] parts = saved.split(" ", 4);
      if (parts.length != 4 || !parts[3].equals(account)) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2].equals("1")));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  private final EmailSettings settings;
  private final MailSessions sessions;
  private final Mailbox mailbox;
  private final Consumer<String> save;
  private final String account;
  private final Semaphore nudges = new Semaphore(0);
  private final Backoff drainFailures;
  private final Clock clock;
  private volatile @Nullable Position position;
  private volatile @Nullable IMAPFolder open;
  private volatile boolean closed;

  /**
   * @param saved the position kept by the last run, if any
   * @param save keeps a position in the store
   */
  ImapWatch(
      EmailSettings settings,
      MailSessions sessions,
      @Nullable String saved,
      Consumer<String> save,
      Backoff drainFailures,
      Clock clock,
      Mailbox mailbox) {
    this.drainFailures = drainFailures;
    this.clock = clock;
    this.settings = settings;
    this.sessions = sessions;
    this.mailbox = mailbox;
    this.save = save;
    this.account = account(settings);
    this.position = Position.read(saved, account).orElse(null);
  }

  /** Whose position it is: another mailbox's or folder's (a changed configuration) is not used. */
  static String account(EmailSettings s) {
    return s.user() + "@" + s.imap().host() + ":" + s.imap().port() + "/" + s.folder();
  }

  @Override
  public ReconnectingLoop.End run(ReconnectingLoop.Link link) throws InterruptedException {
    IMAPStore store = sessions.imapStore();
    try {
      sessions.login(store);
    } catch (AuthenticationFailedException e) {
      return unavailable(e)
          ? ReconnectingLoop.End.degraded(notNow(settings, e))
          : ReconnectingLoop.End.fatal(refusedLogin(settings, e));
    } catch (MessagingException e) {
      interruptedAt(e);
      return ReconnectingLoop.End.retry(unreachable(settings, e));
    }
    try {
      // Asked before the folder takes the login's connection, which would make the store log
      // in a second time to answer.
      boolean idle = store.hasCapability("IDLE");
      IMAPFolder folder = (IMAPFolder) store.getFolder(settings.folder());
      try {
        folder.open(Folder.READ_WRITE);
      } catch (FolderNotFoundException e) {
        return ReconnectingLoop.End.fatal("the IMAP server has no folder '" + settings.folder()
            + "'; check " + EmailSettings.FOLDER.where());
      }
      folder.addMessageCountListener(new MessageCountAdapter() {
        @Override
        public void messagesAdded(MessageCountEvent e) {
          // New mail may be announced as IDLE starts, which IDLE then does not return for:
          // the keep-alive's NOOP ends it at once.
          nudges.release();
        }
      });
      open = folder;
      if (link.connected()) {
        log.info(
            "email: watching {} on {} ({})",
            settings.folder(),
            settings.imap(),
            idle ? "IDLE" : "checked every " + settings.pollInterval().toSeconds() + " s");
      }
      while (!closed) {
        int before = folder.getMessageCount();
        try {
          drain(folder, link);
        } catch (FolderClosedException | StoreClosedException e) {
          throw e;
        } catch (MessagingException | RuntimeException e) {
          // The same mail would fail again at once: wait, longer each time, and say so.
          log.warn("email: reading {} failed; trying again: {}", settings.folder(), describe(e));
          return ReconnectingLoop.End.degraded(
                  "reading " + settings.folder() + " failed: " + describe(e))
              .drawingFrom(drainFailures);
        }
        drainFailures.reset();
        if (folder.getMessageCount() != before) {
          continue; // mail came during the drain: its news may be used up already
        }
        if (idle) {
          folder.idle(true);
        } else {
          link.pause(settings.pollInterval());
        }
        link.alive();
      }
      return ReconnectingLoop.End.quietly("stopped");
    } catch (FolderClosedException | StoreClosedException e) {
      interruptedAt(e);
      return ReconnectingLoop.End.retry("the IMAP server closed the connection");
    } catch (MessagingException e) {
      interruptedAt(e);
      return ReconnectingLoop.End.retry("IMAP: " + describe(e));
    } finally {
      open = null;
      try {
        store.close();
      } catch (MessagingException e) {
        log.debug("email: closing the IMAP connection: {}", e.getMessage());
      }
    }
  }

  /**
   * A login the server cannot take now (RFC 5530's UNAVAILABLE: a backend down), which is no
   * refused password.
   */
  static boolean unavailable(AuthenticationFailedException e) {
    String said = e.getMessage();
    return e.getCause() != null || (said != null && said.contains("[UNAVAILABLE]"));
  }

  static String notNow(EmailSettings s, AuthenticationFailedException e) {
    return "the IMAP server " + s.imap().host() + " could not take the login now: " + describe(e);
  }

  /**
   * The loop is stopping: its interrupt ends a blocked read, and should the interrupt be lost
   * (a library that swallows it), the keep-alive's NOOP ends the IDLE and the watch sees this.
   */
  @Override
  public void close() {
    closed = true;
    nudges.release();
  }

  /** A blocked read that the loop's stop interrupted comes back as a closed connection. */
  private static void interruptedAt(Exception e) throws InterruptedException {
    if (Thread.currentThread().isInterrupted()) {
      InterruptedException stop = new InterruptedException("stopped");
      stop.initCause(e);
      throw stop;
    }
  }

  /** Hands over every mail after the position, in UID order, moving the position past each. */
  private void drain(IMAPFolder folder, ReconnectingLoop.Link link)
      throws MessagingException, InterruptedException {
    long validity = folder.getUIDValidity();
    Position p = position;
    if (p == null) {
      long next = folder.getUIDNext();
      long last = next > 0 ? next - 1 : lastUid(folder);
      keep(new Position(validity, last, false));
      log.info(
          "email: first start on {}: mail already in {} is left alone; new mail is answered",
          settings.imap().host(),
          settings.folder());
      return;
    }
    if (p.uidValidity() != validity) {
      log.warn(
          "email: {} was renumbered (UIDVALIDITY {} -> {}); its unread mail of the last day is"
              + " read again, and what the journal has already is dropped",
          settings.folder(),
          p.uidValidity(),
          validity);
      p = new Position(validity, 0, true);
      keep(p);
    }
    Message[] found = folder.getMessagesByUID(p.lastUid() + 1, UIDFolder.MAXUID);
    FetchProfile profile = new FetchProfile();
    profile.add(UIDFolder.FetchProfileItem.UID);
    profile.add(FetchProfile.Item.FLAGS);
    profile.add(FetchProfile.Item.SIZE);
    if (p.unseenOnly()) {
      profile.add(IMAPFolder.FetchProfileItem.INTERNALDATE); // what oldOrSeen reads
    }
    folder.fetch(found, profile);
    for (Message m : found) {
      if (m == null || m.isExpunged()) {
        continue;
      }
      long uid = folder.getUID(m);
      if (uid <= p.lastUid()) {
        continue; // "n:*" names the last mail even when n is past it
      }
      boolean taken = !(p.unseenOnly() && oldOrSeen(m)) && handOver(m, validity, uid);
      p = new Position(validity, uid, p.unseenOnly());
      keep(p);
      if (taken) {
        markSeen(m, uid);
      }
      link.alive();
    }
    if (p.unseenOnly()) {
      keep(new Position(validity, p.lastUid(), false));
    }
  }

  /**
   * While a renumbered folder is caught up: mail read already (by the gateway or a person), or
   * older than a day, which the gateway took long ago or never would have (the first start
   * leaves older mail alone). Only the day before the renumbering can hold mail not yet taken.
   */
  private boolean oldOrSeen(Message m) throws MessagingException {
    if (m.isSet(Flags.Flag.SEEN)) {
      return true;
    }
    Date received = m.getReceivedDate();
    return received != null && received.toInstant().isBefore(clock.instant().minus(RENUMBERED));
  }

  /** True when the journal took the mail, false when it was left alone. */
  private boolean handOver(Message m, long validity, long uid)
      throws MessagingException, InterruptedException {
    int size = m.getSize();
    if (size > MAX_MAIL_BYTES) {
      log.warn(
          "email: left mail {} in {} unread: {} MB is more than the {} MB the gateway reads",
          uid,
          settings.folder(),
          size / (1024 * 1024),
          MAX_MAIL_BYTES / (1024 * 1024));
      return false;
    }
    ByteArrayOutputStream raw = new ByteArrayOutputStream(Math.max(size, 1024));
    try {
      m.writeTo(raw);
    } catch (IOException e) {
      if (e.getCause() instanceof FolderClosedException closed) {
        // The connection dropped while the mail came (Angus wraps it so): a connection to make
        // again, not a bad mail.
        throw closed;
      }
      throw new MessagingException("reading mail " + uid + " failed: " + e.getMessage(), e);
    }
    return mailbox.mail(validity, uid, raw.toByteArray());
  }

  /** After the position moved past it: the position, not the flag, says what was read. */
  private void markSeen(Message m, long uid) throws MessagingException {
    try {
      m.setFlag(Flags.Flag.SEEN, true);
    } catch (FolderClosedException e) {
      throw e;
    } catch (MessagingException e) {
      log.warn("email: could not mark mail {} seen: {}", uid, e.getMessage());
    }
  }

  private static long lastUid(IMAPFolder folder) throws MessagingException {
    int count = folder.getMessageCount();
    return count == 0 ? 0 : folder.getUID(folder.getMessage(count));
  }

  private void keep(Position p) {
    position = p;
    save.accept(p.write(account));
  }

  /**
   * Runs until interrupted, on a loop of its own: every {@link #KEEP_ALIVE}, or at once when new
   * mail was announced, a NOOP on the open folder. It ends an IDLE (the watch checks and idles
   * again), keeps the server from dropping it, and on a dead link fails within the read timeout,
   * which ends the connection.
   */
  void keepAlive() {
    try {
      while (!closed) {
        nudges.tryAcquire(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        nudges.drainPermits();
        IMAPFolder folder = open;
        if (folder != null && folder.isOpen()) {
          try {
            folder.doCommand(protocol -> {
              protocol.noop();
              return null;
            });
          } catch (MessagingException | RuntimeException e) {
            log.debug("email: keep-alive NOOP failed: {}", e.getMessage());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String refusedLogin(EmailSettings s, AuthenticationFailedException e) {
    String said = e.getMessage() == null ? "" : ": " + e.getMessage().strip();
    return "the IMAP server " + s.imap().host() + " refused the login of " + s.user() + said
        + "; check " + EmailSettings.PASSWORD.where();
  }

  static String unreachable(EmailSettings s, MessagingException e) {
    return "could not reach the IMAP server " + s.imap() + ": " + describe(e);
  }

  /** The innermost cause's words: "Connection refused", "Read timed out". */
  static String describe(Exception e) {
    Throwable t = e;
    for (int depth = 0; t.getCause() != null && depth < 10; depth++) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip();
  }
}
