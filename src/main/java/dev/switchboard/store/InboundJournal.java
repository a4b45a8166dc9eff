package dev.switchboard.store;

import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Every inbound message, recorded before its platform is told it was received, and followed
 * until it is answered. After a crash, what is not {@link Status#DONE} is picked up again.
 * Messages are identified by {@link InboundMessage#dedupeKey()}: the same message delivered
 * twice is recorded once.
 */
public interface InboundJournal {
  /** Where a message is in its life. */
  enum Status {
    /** Recorded, waiting for (or deferred to) a turn. */
    PENDING,
    /** A turn for it is running (or was, when the process died). */
    RUNNING,
    /** Answered, refused, or otherwise finished with; never picked up again. */
    DONE
  }

  /**
   * One recorded message.
   *
   * @param attempts how many turns were started for it (a turn re-run after a restart counts)
   * @param reply the agent's final answer of the latest attempt, recorded before delivery; null
   *     until the agent has finished answering
   */
  record Entry(
      long id,
      InboundMessage message,
      Status status,
      @Nullable String outcome,
      int attempts,
      @Nullable String reply) {

    public Entry(
        long id, InboundMessage message, Status status, @Nullable String outcome, int attempts) {
      this(id, message, status, outcome, attempts, null);
    }
  }

  /**
   * Records {@code message} as pending. Returns false, recording nothing, when the same message
   * was recorded before (a redelivery).
   */
  boolean record(InboundMessage message);

  /**
   * Records a message whose sender is not let in, as {@link Status#DONE} with {@code outcome}:
   * only what recognises a redelivery (the chat and the message id) and who sent it (pairing
   * needs the id). Its text is never given to the store, so a stranger cannot fill the disk
   * with words nobody will read. Returns false, recording nothing, when the same message was
   * recorded before.
   */
  boolean recordRefused(MessageRef message, String senderId, String outcome);

  /** The outcomes {@link #recordRefused} is given: the pipeline's refusals of strangers. */
  Set<String> REFUSALS = Set.of("pairing", "ignored");

  /**
   * True when the journal still holds a message from {@code chatId} on {@code platform} that
   * was let in (not a stranger's refused one): the gateway has talked with this chat, within
   * the journal's retention.
   */
  boolean knowsChat(String platform, String chatId);

  /** True when {@code message} is recorded and not {@link Status#DONE}. */
  boolean unfinished(MessageRef message);

  /**
   * A turn starts for it; returns the number of this attempt, 1 for the first. A reply recorded
   * for an earlier attempt is forgotten: the new attempt answers anew.
   */
  int markRunning(InboundMessage message);

  /**
   * The agent has finished answering: its final text, recorded before the reply is delivered,
   * so that a process that dies while delivering it is followed by one that delivers the same
   * answer instead of asking the agent again.
   */
  void recordReply(InboundMessage message, String reply);

  /**
   * Replaces the attachments recorded with {@code message} by its own (the same files, now with
   * their place in the attachment store), so that the next process finds them fetched.
   */
  void recordAttachments(InboundMessage message);

  /**
   * The attachment-store hashes of every message the journal still holds, finished or not: the
   * files a sweep of the attachment store must keep.
   */
  Set<String> storedAttachments();

  /** Back to pending: the next process answers it (a turn cut short by a stop). */
  void markPending(InboundMessage message);

  /**
   * Finished with: a restart does not pick it up again.
   *
   * @param outcome a word for the operator: answered, command, denied, stopped, superseded
   */
  void markDone(InboundMessage message, String outcome);

  /** Messages not yet done, oldest first: in the order they were recorded. */
  List<Entry> unfinished();

  /**
   * Forgets at most {@code limit} messages that were done before {@code before}, those done
   * longest ago first; a message not done is kept whatever its age. A redelivery of a forgotten
   * message would be recorded again, so retention must outlast every platform's redelivery.
   *
   * @return how many were forgotten; fewer than {@code limit} means none is left to forget
   */
  int pruneDone(Instant before, int limit);
}
