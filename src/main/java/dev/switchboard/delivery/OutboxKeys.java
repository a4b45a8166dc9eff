package dev.switchboard.delivery;

import dev.switchboard.platform.ChatRef;
import java.util.UUID;

/**
 * Every outbox key the gateway uses, built here and nowhere else. The outbox sends a key at most
 * once, so two different messages must never share a key, and a message sent again after a
 * crash must get the key it had before. Each kind of message has its own key space:
 *
 * <pre>
 * &lt;inbound&gt;:reply:&lt;attempt&gt;:&lt;part&gt;      a turn's reply (attempt counts from 1)
 * &lt;inbound&gt;:reply:&lt;attempt&gt;:0r          part 0 again, when the preview could not take it
 * &lt;inbound&gt;:reply:&lt;attempt&gt;:file:&lt;n&gt;    the n-th file of that reply (from 0)
 * &lt;inbound&gt;:reply:&lt;attempt&gt;:voice      that reply spoken (/voice on)
 * &lt;inbound&gt;:command:&lt;n&gt;:&lt;part&gt;         the n-th reply of a slash command (from 0)
 * &lt;inbound&gt;:approval:&lt;attempt&gt;:&lt;n&gt;:&lt;part&gt;  the n-th permission question of a turn
 * &lt;inbound&gt;:approval:&lt;attempt&gt;:&lt;n&gt;:timeout:&lt;part&gt;  its "no answer" note
 * &lt;key&gt;:resent                      the resend mark of a message that had no room for it
 * &lt;key&gt;:refusal                     the platform refused &lt;key&gt;: why (never sent, only recorded)
 * &lt;key&gt;:smaller:&lt;n&gt;               the n-th smaller piece of a refused &lt;key&gt; (from 0)
 * &lt;key&gt;:plain:&lt;n&gt;                 that piece without markup, when it was refused too
 * &lt;key&gt;:undelivered                 "could not be delivered": &lt;key&gt; was refused in every form
 * &lt;inbound&gt;:&lt;topic&gt;:&lt;part&gt;             a notice about the message ({@link Topic})
 * restart:&lt;platform&gt;:&lt;chat&gt;:&lt;message&gt;:&lt;part&gt;  "restarted", to whoever asked
 * home:&lt;pid&gt;:&lt;started&gt;:&lt;event&gt;:&lt;platform&gt;:&lt;part&gt;  a notice of one process to a home channel
 * notice:&lt;random&gt;:&lt;part&gt;              a notice that needs no deduplication
 * send:&lt;idempotency key&gt;:&lt;part&gt;       a message sent on request (switchboard send, /v1/send)
 * send:&lt;idempotency key&gt;:file:&lt;n&gt;     the n-th file of that send (from 0)
 * webhook:&lt;route&gt;:&lt;delivery&gt;:&lt;part&gt;  a webhook's text sent directly (mode direct)
 * </pre>
 */
public final class OutboxKeys {
  /** What a notice about one inbound message says; one key per message and topic. */
  public enum Topic {
    OVERLOADED("overloaded"),
    UNKNOWN_COMMAND("unknown"),
    REFUSED("refused"),
    COMMAND_FAILED("failed"),
    QUEUED_OR_SUPERSEDING("busy"),
    DEFERRED("deferred"),
    FINISHING("finishing"),
    PAIRING("pairing"),
    ATTACHMENTS("attachments"),
    VOICE("voice");

    private final String label;

    Topic(String label) {
      this.label = label;
    }
  }

  private OutboxKeys() {}

  /** The prefix of every part of attempt {@code attempt} at answering {@code inboundKey}. */
  public static String replyPrefix(String inboundKey, int attempt) {
    return inboundKey + ":reply:" + attempt + ":";
  }

  /** The key of part 0 of that reply: its outbox row says whether the whole reply arrived. */
  public static String firstReplyPart(String inboundKey, int attempt) {
    return replyPrefix(inboundKey, attempt) + "0";
  }

  /** The base key of a command's {@code n}-th reply; its parts follow as {@link #part}. */
  public static String commandReply(String inboundKey, int n) {
    return inboundKey + ":command:" + n;
  }

  /** The base key of the {@code n}-th permission question of a turn's attempt. */
  public static String approvalQuestion(String inboundKey, int attempt, int n) {
    return inboundKey + ":approval:" + attempt + ":" + n;
  }

  /** The base key of the note that the {@code n}-th question of that attempt timed out. */
  public static String approvalTimedOut(String inboundKey, int attempt, int n) {
    return approvalQuestion(inboundKey, attempt, n) + ":timeout";
  }

  /** The base key of a notice about {@code inboundKey}. */
  public static String about(String inboundKey, Topic topic) {
    return inboundKey + ":" + topic.label;
  }

  /** The base key of the "restarted" notice for the /restart message {@code messageId}. */
  public static String restartDone(ChatRef chat, String messageId) {
    return "restart:" + chat.platform() + ":" + chat.chatId() + ":" + messageId;
  }

  /**
   * A notice of the process {@code pid} started at {@code startedMillis} to {@code home}'s
   * platform's home channel; {@code event} names it within the process ("start",
   * "failed:discord:3").
   */
  public static String home(long pid, long startedMillis, String event, ChatRef home) {
    return "home:" + pid + ":" + startedMillis + ":" + event + ":" + home.platform();
  }

  /** A message sent on request under the requester's idempotency key (or a random one). */
  static String send(String idempotencyKey) {
    return "send:" + idempotencyKey;
  }

  /** The {@code n}-th file (from 0) of the send whose base key is {@code send}. */
  static String sendFile(String send, int n) {
    return send + ":file:" + n;
  }

  /**
   * A webhook's text sent without the agent: one key per route and delivery id, so a delivery
   * offered again (the sender's retry) is never sent twice.
   */
  public static String webhook(String route, String deliveryId) {
    return "webhook:" + route + ":" + deliveryId;
  }

  static String oneOff() {
    return "notice:" + UUID.randomUUID();
  }

  static String part(String base, int part) {
    return base + ":" + part;
  }

  static String replyPart(String prefix, int part) {
    return prefix + part;
  }

  static String replyFile(String prefix, int n) {
    return prefix + "file:" + n;
  }

  static String replyVoice(String prefix) {
    return prefix + "voice";
  }

  /**
   * The "resent after a restart" line sent on its own before a resent message, when the message
   * has no room for it.
   */
  static String resendMark(String key) {
    return key + ":resent";
  }

  /**
   * The record that the platform refused the message under {@code key}: {@code key} is then
   * never sent again, not even after a restart, and the record's text is the platform's reason.
   */
  static String refusal(String key) {
    return key + ":refusal";
  }

  /** The {@code n}-th of the smaller pieces a refused message is sent as. */
  static String smallerPiece(String key, int n) {
    return key + ":smaller:" + n;
  }

  /** That piece as plain text, after the platform refused it too. */
  static String plainPiece(String key, int n) {
    return key + ":plain:" + n;
  }

  /** The one notice that the message under {@code key} could not be delivered in any form. */
  static String undelivered(String key) {
    return key + ":undelivered";
  }

  /** Part 0 sent as a new message because the streamed preview could not be edited into it. */
  static String replacementOfFirstPart(String prefix) {
    return prefix + "0r";
  }
}
