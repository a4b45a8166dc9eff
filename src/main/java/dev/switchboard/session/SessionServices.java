package dev.switchboard.session;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.common.TaskSpawner;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.store.Conversations;

/**
 * What sessions run on, built once by the gateway (or a test) for the {@link Dispatcher}.
 *
 * @param conversations where each session's conversation number (changed by /new), settings
 *     and transcript are kept
 * @param spawner runs turns, notices and cancel actions as supervised tasks
 */
public record SessionServices(
    AgentBackend backend,
    Delivery delivery,
    Conversations conversations,
    TaskSpawner spawner,
    Ticker ticker) {}
