package dev.switchboard.delivery;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Records every send and edit; sends and edits can be made to fail. */
class RecordingOutbound implements Outbound {
  /** One platform call. {@code messageId} is the id returned by a send or the id edited. */
  record Call(String kind, ChatRef chat, String messageId, String text) {
    boolean isSend() {
      return kind.equals("send") || isPlain();
    }

    /** A send without markup ({@link Outbound#sendPlain}). */
    boolean isPlain() {
      return kind.equals("plain");
    }

    boolean isEdit() {
      return kind.equals("edit");
    }
  }

  final List<Call> calls = new ArrayList<>();
  final List<String> limitsAskedFor = new ArrayList<>();
  private final PlatformLimits limits;
  private int nextId = 1;
  /** Decides, per attempt number (1-based), whether a send fails. */
  Predicate<Integer> sendFails = n -> false;
  /** Decides, per attempt number (1-based), whether an edit fails. */
  Predicate<Integer> editFails = n -> false;

  RuntimeException sendThrowsUnchecked;
  /** Whether this platform drops a repeated send of the same key (as Discord's nonce does). */
  boolean idempotent;
  /** The idempotency key of each send that carried one, in order. */
  final List<String> sendKeys = new ArrayList<>();
  /** The kind of failure editFails throws. */
  PlatformException.Kind editFailure = PlatformException.Kind.FATAL;

  /** Refuses ({@link PlatformException.Kind#REFUSED}) every send whose text this accepts. */
  Predicate<String> refuses = t -> false;
  /** Refuses every plain send whose text this accepts. */
  Predicate<String> refusesPlain = t -> false;
  /** What the platform says when it refuses. */
  String refusal = "Bad Request: message is too long";

  private int sendAttempts;
  private int editAttempts;

  RecordingOutbound(PlatformLimits limits) {
    this.limits = limits;
  }

  @Override
  public PlatformLimits limits(String platform) {
    limitsAskedFor.add(platform);
    return limits;
  }

  @Override
  public MessageRef send(ChatRef chat, String text) throws PlatformException {
    sendAttempts++;
    if (sendThrowsUnchecked != null) {
      throw sendThrowsUnchecked;
    }
    if (sendFails.test(sendAttempts)) {
      throw new PlatformException("send " + sendAttempts + " failed", true);
    }
    if (refuses.test(text)) {
      throw PlatformException.refused("sendMessage: " + refusal, refusal, null);
    }
    return record("send", chat, text);
  }

  @Override
  public MessageRef sendPlain(ChatRef chat, String text) throws PlatformException {
    sendAttempts++;
    if (refusesPlain.test(text)) {
      throw PlatformException.refused("sendMessage: " + refusal, refusal, null);
    }
    return record("plain", chat, text);
  }

  private MessageRef record(String kind, ChatRef chat, String text) {
    String id = "m" + nextId++;
    calls.add(new Call(kind, chat, id, text));
    return new MessageRef(chat, id);
  }

  @Override
  public MessageRef send(ChatRef chat, String text, String idempotencyKey)
      throws PlatformException {
    sendKeys.add(idempotencyKey);
    return send(chat, text);
  }

  @Override
  public boolean idempotentSends(String platform) {
    return idempotent;
  }

  @Override
  public void edit(MessageRef message, String text) throws PlatformException {
    editAttempts++;
    if (editFails.test(editAttempts)) {
      throw new PlatformException("edit " + editAttempts + " failed", editFailure, null, null);
    }
    calls.add(new Call("edit", message.chat(), message.messageId(), text));
  }

  int sendAttempts() {
    return sendAttempts;
  }

  int editAttempts() {
    return editAttempts;
  }

  List<Call> sends() {
    return calls.stream().filter(Call::isSend).toList();
  }

  List<Call> edits() {
    return calls.stream().filter(Call::isEdit).toList();
  }

  /** What the chat shows now: the latest text of each message, in order of first sending. */
  List<String> visible() {
    List<String> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (Call c : calls) {
      int at = ids.indexOf(c.messageId());
      if (at < 0) {
        ids.add(c.messageId());
        texts.add(c.text());
      } else {
        texts.set(at, c.text());
      }
    }
    return texts;
  }
}
