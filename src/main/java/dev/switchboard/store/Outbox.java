package dev.switchboard.store;

import dev.switchboard.platform.ChatRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Every message the gateway sends, recorded under an idempotency key before it is sent, so a
 * restart neither loses a reply nor sends it twice: a key already {@link Status#SENT} is not
 * sent again, and one whose outcome is {@link Status#UNKNOWN} (the process died, or the
 * connection broke, after the platform may have received it) is never resent blindly.
 */
public interface Outbox {
  /** Where a message is in its life. */
  enum Status {
    PENDING,
    SENDING,
    SENT,
    FAILED,
    UNKNOWN
  }

  /**
   * One message. {@code platformMessageId} is set once the platform accepted it; a streamed
   * reply's first part is {@code SENT} while still a preview ({@code complete} false) and is
   * edited into its final text.
   */
  record Entry(
      long id,
      String key,
      ChatRef chat,
      String text,
      Status status,
      String platformMessageId,
      boolean complete,
      String inboundKey) {}

  /**
   * The entry for {@code key}, created as {@link Status#PENDING} with this chat and text if
   * there is none yet.
   *
   * @param inboundKey the message this replies to, or null for a gateway notice
   */
  Entry claim(String key, ChatRef chat, String text, @Nullable String inboundKey);

  Optional<Entry> find(String key);

  /**
   * {@link #claim} and {@link #markSending} in one step, for a key seen for the first time: the
   * new entry, already {@link Status#SENDING}. Empty, with nothing written, when {@code key}
   * has an entry; then {@link #claim} it and go by its status. One write instead of two for
   * nearly every message; a crash after it leaves the entry {@link Status#SENDING}, as one
   * after {@link #markSending} did. Fenced like {@link #markSending}: a gateway that lost the
   * database's lease gets a {@link StoreException} whether or not the key has an entry.
   */
  Optional<Entry> claimNewAsSending(
      String key, ChatRef chat, String text, @Nullable String inboundKey);

  /** Written just before the platform call: from here the outcome is unknown until settled. */
  void markSending(long id, String text);

  void markSent(long id, String platformMessageId, String text, boolean complete);

  void markFailed(long id, String reason);

  void markUnknown(long id, String reason);

  /**
   * The platform reported, after it took the message it named {@code platformMessageId} on
   * {@code platform}, that it could not deliver it (WhatsApp's {@code failed} status): that
   * entry becomes {@link Status#FAILED} with the reason, so nothing counts it as delivered and
   * no restart sends it again. False when no sent entry has that id (pruned, or not ours).
   */
  boolean markUndelivered(String platform, String platformMessageId, String reason);

  /** All parts of the replies to one inbound message, in key order. */
  List<Entry> forInbound(String inboundKey);

  /**
   * Forgets at most {@code limit} entries whose outcome is settled ({@link Status#SENT} or
   * {@link Status#FAILED}) and that last changed before {@code before}, the oldest first. An
   * entry still pending, sending or unknown is kept whatever its age, and so is every entry
   * replying to a message the journal has not finished with (a restart reads them).
   *
   * @return how many were forgotten; fewer than {@code limit} means none is left to forget
   */
  int pruneSettled(Instant before, int limit);
}
