package dev.switchboard.reliability;

/**
 * One question a chat asked: which chat, its id, the message_id it got (the answer comes after
 * it), when it was sent, and when the chat saw its whole answer (-1 while it has not; the
 * chat gives up waiting after a while and asks its next question, and the verdict at the end
 * looks again).
 */
final class Question {
  private final long chat;
  private final String id;
  private final int messageId;
  private final long sentAtNanos;
  private volatile long answeredAtNanos = -1;
  private volatile boolean overdue;

  Question(long chat, String id, int messageId, long sentAtNanos) {
    this.chat = chat;
    this.id = id;
    this.messageId = messageId;
    this.sentAtNanos = sentAtNanos;
  }

  long chat() {
    return chat;
  }

  String id() {
    return id;
  }

  int messageId() {
    return messageId;
  }

  /** The gateway's key for the message in its journal and outbox. */
  String inboundKey() {
    return "telegram:" + chat + ":" + messageId;
  }

  void answered(long atNanos) {
    answeredAtNanos = atNanos;
  }

  void gaveUpWaiting() {
    overdue = true;
  }

  boolean overdue() {
    return overdue;
  }

  /** Nanoseconds from the question to its whole answer as the chat saw it; -1 if it did not. */
  long answerNanos() {
    long at = answeredAtNanos;
    return at < 0 ? -1 : at - sentAtNanos;
  }
}
