package dev.switchboard.session;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.common.TaskSpawner;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.store.Conversations;

/**
 * What sessions run on, built once by the gateway (or a test) for the {@link Dispatcher}.
 *
 * @param conversations where each session's conversation number (changed by /new), settings
 *     and transcript are kept
 * @param spawner runs turns, notices and cancel actions as supervised tasks
 * @param attachments fetches a message's files for its turn
 * @param voice speaks replies in sessions that chose /voice on
 * @param events told of new conversations, turns and commands, for the hooks
 */
public record SessionServices(
    AgentBackend backend,
    Delivery delivery,
    Conversations conversations,
    TaskSpawner spawner,
    Ticker ticker,
    AttachmentIntake attachments,
    VoiceReplies voice,
    GatewayEvents events) {

  /** Services that tell no hooks. */
  public SessionServices(
      AgentBackend backend,
      Delivery delivery,
      Conversations conversations,
      TaskSpawner spawner,
      Ticker ticker,
      AttachmentIntake attachments,
      VoiceReplies voice) {
    this(backend, delivery, conversations, spawner, ticker, attachments, voice, GatewayEvents.NONE);
  }

  /** The same services, reporting to {@code to}. */
  public SessionServices withEvents(GatewayEvents to) {
    return new SessionServices(
        backend, delivery, conversations, spawner, ticker, attachments, voice, to);
  }

  /** Services for messages of text alone: a file that comes anyway is left out, with a word. */
  public SessionServices(
      AgentBackend backend,
      Delivery delivery,
      Conversations conversations,
      TaskSpawner spawner,
      Ticker ticker) {
    this(
        backend,
        delivery,
        conversations,
        spawner,
        ticker,
        AttachmentIntake.none(),
        VoiceReplies.NONE);
  }
}
