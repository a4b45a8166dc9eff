package dev.switchboard.session;

/** What every {@link TurnExecution} shares: where it runs, how, and the open questions. */
record TurnKit(SessionServices services, TurnSettings settings, PendingApprovals approvals) {}
