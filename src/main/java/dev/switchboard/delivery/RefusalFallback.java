package dev.switchboard.delivery;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a message of a reply or notice, and when the platform refuses it as it is (too long for
 * it, malformed) does not let the answer vanish: the same text goes again once, cut into pieces
 * of at most half its length; a piece refused again goes as plain text ({@link
 * Outbound#sendPlain}); and when that is refused too, the user gets one short notice that the
 * answer could not be delivered in full, with the platform's reason, and the rest of the reply
 * is not sent. Every form has its own outbox key ({@link OutboxKeys#smallerPiece}, {@link
 * OutboxKeys#plainPiece}, {@link OutboxKeys#undelivered}), so a restart continues where the
 * refusal left off and sends nothing twice.
 */
final class RefusalFallback {
  private static final Logger log = LoggerFactory.getLogger(RefusalFallback.class);
  /** The longest platform reason quoted to the user: the notice stays one short message. */
  static final int MAX_REASON = 200;
  /** The smallest piece worth cutting to: below it a refusal is not about length. */
  private static final int MIN_PIECE = 16;

  private final PartSender parts;
  private final Outbound outbound;
  private final DeliveryEvents events;

  RefusalFallback(PartSender parts, Outbound outbound, DeliveryEvents events) {
    this.parts = parts;
    this.outbound = outbound;
    this.events = events;
  }

  /**
   * Sends {@code text} under {@code key} by {@link PartSender#attempt}'s rules, and when it is
   * refused, in the forms above. Returns the message that now stands for {@code key} (the first
   * piece, under {@code key}'s outbox row), or empty when the text could not be delivered.
   *
   * @param whole see {@link PartSender#attempt}; pieces are never a whole reply
   */
  Optional<PartSender.Sent> send(
      String key,
      ChatRef chat,
      String text,
      @Nullable String inboundKey,
      boolean afterRestart,
      boolean whole) {
    PartOutcome outcome = parts.attempt(key, chat, text, inboundKey, afterRestart, false, whole);
    if (!(outcome instanceof PartOutcome.Refused refused)) {
      return outcome.sent();
    }
    if (refused.now()) {
      events.refused(chat.platform());
    }
    List<String> pieces = smaller(chat, text);
    log.info(
        "sending {} to {} again in {} smaller pieces: {} refused it ({})",
        key,
        chat,
        pieces.size(),
        chat.platform(),
        refused.reason());
    PartSender.@Nullable Sent first = null;
    for (int n = 0; n < pieces.size(); n++) {
      PartOutcome piece = sendPiece(key, n, chat, pieces.get(n), inboundKey, afterRestart);
      switch (piece) {
        case PartOutcome.Delivered d -> {
          if (first == null) {
            first = d.message();
          }
        }
        case PartOutcome.Refused r -> {
          tellUser(key, chat, r.reason(), inboundKey);
          return Optional.empty();
        }
        case PartOutcome.Undelivered _ -> {
          return Optional.empty();
        }
      }
    }
    long row = parts.recorded(key).orElseThrow().id();
    return Optional.ofNullable(first).map(f -> new PartSender.Sent(row, f.message(), false));
  }

  /** One piece, and when that is refused too, the piece without markup. */
  private PartOutcome sendPiece(
      String key,
      int n,
      ChatRef chat,
      String piece,
      @Nullable String inboundKey,
      boolean afterRestart) {
    PartOutcome smaller = parts.attempt(
        OutboxKeys.smallerPiece(key, n), chat, piece, inboundKey, afterRestart, false, false);
    if (!(smaller instanceof PartOutcome.Refused)) {
      return smaller;
    }
    return parts.attempt(
        OutboxKeys.plainPiece(key, n), chat, piece, inboundKey, afterRestart, true, false);
  }

  /**
   * {@code text} cut at half its length (at most half the platform's limit), at paragraph, line
   * or word breaks where it can be. The cuts ignore markup: a style cut in two may show its
   * marks, or (on Telegram) go as plain text, but every word arrives.
   */
  private List<String> smaller(ChatRef chat, String text) {
    int limit = outbound.limits(chat.platform()).maxMessageLength();
    int piece = Math.max(MIN_PIECE, Math.min(limit, text.length()) / 2);
    return ReplyFormat.plainText(piece).messages(StyledText.plain(text));
  }

  /** The one notice that the answer stops here; it is sent once, whatever restarts follow. */
  private void tellUser(String key, ChatRef chat, String reason, @Nullable String inboundKey) {
    String notice = notice(chat.platform(), reason);
    log.warn("{} refused {} in every form; telling {}: {}", chat.platform(), key, chat, reason);
    List<String> rendered = parts.render(chat, notice);
    parts.send(OutboxKeys.undelivered(key), chat, rendered.getFirst(), inboundKey);
  }

  /** "⚠️ This answer could not be delivered in full: Telegram refused it (…)." */
  static String notice(String platform, String reason) {
    String why = reason.strip();
    if (why.codePointCount(0, why.length()) > MAX_REASON) {
      why = why.substring(0, why.offsetByCodePoints(0, MAX_REASON - 1)).strip() + "\u2026";
    }
    String name = platform.isEmpty()
        ? platform
        : platform.substring(0, 1).toUpperCase(Locale.ROOT) + platform.substring(1);
    return "\u26a0\ufe0f This answer could not be delivered in full: " + name + " refused it ("
        + why + ").";
  }
}
