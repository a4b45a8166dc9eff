package dev.switchboard.session;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.store.Conversations;

/**
 * What every command invocation shares: the commands, the gateway, and the session state the
 * dispatcher keeps outside its lanes.
 *
 * @param defaultToolProgress whether tool calls are shown in sessions that did not choose
 * @param voiceAvailable whether replies can be spoken (a speech endpoint is set)
 */
record CommandScope(
    CommandSetup setup,
    BusyPolicies busyPolicies,
    PendingApprovals approvals,
    Conversations conversations,
    AgentBackend backend,
    boolean defaultToolProgress,
    boolean voiceAvailable,
    Notices notices) {}
