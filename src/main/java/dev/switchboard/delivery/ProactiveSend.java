package dev.switchboard.delivery;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.ProactiveSender;
import dev.switchboard.store.HomeChannels;
import dev.switchboard.store.InboundJournal;
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
 * through the outbox like any notice, under a key made of the requester's idempotency key.
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

  /** @param enabled whether a platform of that name is enabled */
  public ProactiveSend(
      Delivery delivery,
      Predicate<String> enabled,
      InboundJournal journal,
      HomeChannels homes,
      boolean allowUnknownTargets) {
    this.delivery = delivery;
    this.enabled = enabled;
    this.journal = journal;
    this.homes = homes;
    this.allowUnknownTargets = allowUnknownTargets;
  }

  @Override
  public Outcome send(String target, String text, @Nullable String idempotencyKey) {
    Optional<ChatRef> parsed = parse(target);
    if (parsed.isEmpty()) {
      return new Outcome.Refused(
          400,
          "target '" + shorten(target) + "' is not platform:chat or platform:chat:thread"
              + " (telegram:123456789, discord:112233445566778899,"
              + " slack:C0123ABCD:1712345678.000100)");
    }
    ChatRef chat = parsed.get();
    if (text.isBlank()) {
      return new Outcome.Refused(400, "text is empty");
    }
    if (text.length() > MAX_TEXT) {
      return new Outcome.Refused(
          413, "text is " + text.length() + " characters; at most " + MAX_TEXT + " are sent");
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
    Delivery.Posted posted = delivery.post(chat, text, key);
    if (!posted.complete()) {
      log.warn(
          "a message sent on request reached {} only in part ({} message(s))",
          chat,
          posted.messages().size());
      return new Outcome.Refused(
          502,
          posted.messages().isEmpty()
              ? chat.platform() + " did not take the message; the gateway log says why"
              : "only the first " + posted.messages().size() + " part(s) reached "
                  + chat.platform() + "; send the same request again with the same"
                  + " idempotency key to send the rest");
    }
    log.info(
        "sent a message to {} on request ({} part(s))", chat, posted.messages().size());
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
