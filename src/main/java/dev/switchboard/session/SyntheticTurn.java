package dev.switchboard.session;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import java.time.Instant;
import java.util.Objects;

/**
 * A turn the gateway starts on its own, for a chat: a scheduled job's run, a webhook's
 * delivery. It becomes an {@link InboundMessage} whose id says where it came from and which
 * run it is, so the journal recognises the same run offered twice (a job due again after a
 * crash, a webhook delivered again) and keeps it until it is answered, across restarts.
 *
 * @param origin what starts these turns, such as {@code job:7} or {@code webhook:github}: the
 *     session's name when the turn has a conversation of its own
 * @param runId which run of {@code origin} this is (a due time, a delivery id): with {@code
 *     origin} and the chat it identifies the run
 * @param label who the transcript and the hooks say sent it, such as "Scheduled job 7"
 * @param ownConversation true for a conversation of its own, false to share the chat's
 */
public record SyntheticTurn(
    ChatRef chat,
    String origin,
    String runId,
    String label,
    String prompt,
    boolean ownConversation) {
  public SyntheticTurn {
    Objects.requireNonNull(chat, "chat");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(prompt, "prompt");
    if (origin.isBlank() || runId.isBlank()) {
      throw new IllegalArgumentException("a synthetic turn needs an origin and a run id");
    }
  }

  /** The message the journal records and the dispatcher runs. */
  public InboundMessage message(Instant at) {
    return new InboundMessage(
        chat,
        InboundMessage.SYNTHETIC_PREFIX + origin + ":" + runId,
        new Sender(InboundMessage.SYNTHETIC_PREFIX + origin, label),
        prompt,
        ownConversation,
        at);
  }
}
