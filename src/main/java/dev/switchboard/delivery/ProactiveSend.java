package dev.switchboard.delivery;

import dev.switchboard.media.OutgoingFiles;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.ProactiveSender;
import dev.switchboard.store.HomeChannels;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.text.PlainText;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages sent on request: the target is checked (an enabled platform, and a chat the gateway
 * has talked with, or a home channel, unless send.allow_unknown_targets), then the text goes
 * through the outbox like any notice, under a key made of the requester's idempotency key, and
 * the files after it under keys of their own ({@link OutboxKeys#sendFile}), so a request sent
 * again with the same key sends nothing twice.
 */
public final class ProactiveSend implements ProactiveSender {
  private static final Logger log = LoggerFactory.getLogger(ProactiveSend.class);
  /** Far above any platform's message, well below what would hold up the platform's queue. */
  public static final int MAX_TEXT = 32_000;

  private static final Pattern PART = Pattern.compile("[^:\\s]+");
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");

  private final Delivery delivery;
  private final Predicate<String> enabled;
  private final InboundJournal journal;
  private final HomeChannels homes;
  private final boolean allowUnknownTargets;
  private final @Nullable OutgoingFiles outgoing;

  /** Sends text only: a request with files is refused. */
  public ProactiveSend(
      Delivery delivery,
      Predicate<String> enabled,
      InboundJournal journal,
      HomeChannels homes,
      boolean allowUnknownTargets) {
    this(delivery, enabled, journal, homes, allowUnknownTargets, null);
  }

  /**
   * @param enabled whether a platform of that name is enabled
   * @param outgoing keeps the files a request brings in the attachment store while they are
   *     sent; null to refuse files
   */
  public ProactiveSend(
      Delivery delivery,
      Predicate<String> enabled,
      InboundJournal journal,
      HomeChannels homes,
      boolean allowUnknownTargets,
      @Nullable OutgoingFiles outgoing) {
    this.delivery = delivery;
    this.enabled = enabled;
    this.journal = journal;
    this.homes = homes;
    this.allowUnknownTargets = allowUnknownTargets;
    this.outgoing = outgoing;
  }

  @Override
  public Outcome send(
      String target, String text, List<Upload> files, @Nullable String idempotencyKey) {
    Optional<ChatRef> parsed = parse(target);
    if (parsed.isEmpty()) {
      return new Outcome.Refused(
          400,
          "target '" + shorten(target) + "' is not platform:chat or platform:chat:thread"
              + " (telegram:123456789, discord:112233445566778899,"
              + " slack:C0123ABCD:1712345678.000100)");
    }
    ChatRef chat = parsed.get();
    if (text.isBlank() && files.isEmpty()) {
      return new Outcome.Refused(400, "text is empty");
    }
    if (text.length() > MAX_TEXT) {
      return new Outcome.Refused(
          413, "text is " + text.length() + " characters; at most " + MAX_TEXT + " are sent");
    }
    if (files.size() > MAX_FILES) {
      return new Outcome.Refused(
          413, "at most " + MAX_FILES + " files go in one send, not " + files.size());
    }
    if (idempotencyKey != null && !KEY.matcher(idempotencyKey).matches()) {
      return new Outcome.Refused(
          400, "idempotency key must be 1 to 200 printable ASCII characters without spaces");
    }
    if (!enabled.test(chat.platform())) {
      return new Outcome.Refused(
          404, "no platform named '" + chat.platform() + "' is enabled on this gateway");
    }
    if (!allowUnknownTargets && !known(chat)) {
      return new Outcome.Refused(
          403,
          "Switchboard has not talked with " + chat.platform() + ":" + chat.chatId()
              + " (no message from it within the journal's retention, and it is no home"
              + " channel); set send.allow_unknown_targets: true to send to any chat");
    }
    String key = OutboxKeys.send(
        idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString());
    if (files.isEmpty()) {
      return answer(chat, text, delivery.post(chat, text, key), 0);
    }
    if (outgoing == null) {
      return new Outcome.Refused(400, "this gateway keeps no files to send");
    }
    FileLimits limits = delivery.fileLimits(chat);
    try (HeldUploads held = HeldUploads.keep(outgoing, chat, limits, files)) {
      return sendWithFiles(chat, text, held.files(), limits, key);
    } catch (HeldUploads.Refusal r) {
      return r.outcome();
    }
  }

  /**
   * The text as the first file's caption when the platform shows captions and it fits there
   * (as plain text: captions take no markup); else the text first, as messages of its own, as
   * a reply's text goes before its files. Then the files, each under its own key.
   */
  private Outcome sendWithFiles(
      ChatRef chat, String text, List<OutboundFile> files, FileLimits limits, String key) {
    List<OutboundFile> toSend = new ArrayList<>(files);
    Delivery.Posted posted = new Delivery.Posted(List.of(), true);
    String caption = text.isBlank() ? "" : PlainText.ofMarkdown(text);
    if (!caption.isEmpty()
        && limits.maxCaptionLength() > 0
        && caption.length() <= limits.maxCaptionLength()) {
      toSend.set(0, toSend.getFirst().withCaption(caption));
    } else if (!text.isBlank()) {
      posted = delivery.post(chat, text, key);
      if (!posted.complete()) {
        return answer(chat, text, posted, files.size());
      }
    }
    List<MessageRef> sent = new ArrayList<>(posted.messages());
    for (int i = 0; i < toSend.size(); i++) {
      Optional<MessageRef> file =
          delivery.postFile(chat, toSend.get(i), OutboxKeys.sendFile(key, i));
      if (file.isEmpty()) {
        return answer(chat, text, new Delivery.Posted(sent, false), files.size());
      }
      sent.add(file.get());
    }
    return answer(chat, text, new Delivery.Posted(sent, true), files.size());
  }

  /** What became of the send: the messages' ids, or what did not arrive and what to do. */
  private static Outcome answer(ChatRef chat, String text, Delivery.Posted posted, int files) {
    if (!posted.complete()) {
      log.warn(
          "a message sent on request reached {} only in part ({} message(s))",
          chat,
          posted.messages().size());
      return new Outcome.Refused(
          502,
          posted.messages().isEmpty()
              ? chat.platform() + " did not take the " + (text.isBlank() ? "file" : "message")
                  + "; the gateway log says why"
              : "only the first " + posted.messages().size() + " message(s) reached "
                  + chat.platform() + "; send the same request again with the same"
                  + " idempotency key to send the rest");
    }
    log.info(
        "sent a message to {} on request ({} message(s), {} of them file(s))",
        chat,
        posted.messages().size(),
        files);
    return new Outcome.Sent(
        chat, posted.messages().stream().map(MessageRef::messageId).toList());
  }

  private boolean known(ChatRef chat) {
    return journal.knowsChat(chat.platform(), chat.chatId())
        || homes
            .get(chat.platform())
            .filter(home -> home.chatId().equals(chat.chatId()))
            .isPresent();
  }

  /** platform:chat or platform:chat:thread; a Telegram chat id may start with a minus. */
  public static Optional<ChatRef> parse(String target) {
    String[] parts = target.strip().split(":", -1);
    if (parts.length < 2 || parts.length > 3) {
      return Optional.empty();
    }
    for (String p : parts) {
      if (!PART.matcher(p).matches()) {
        return Optional.empty();
      }
    }
    return Optional.of(new ChatRef(parts[0], parts[1], parts.length == 3 ? parts[2] : null));
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "\u2026";
  }
}
