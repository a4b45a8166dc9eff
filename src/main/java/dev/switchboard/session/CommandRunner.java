package dev.switchboard.session;

import dev.switchboard.command.Command;
import dev.switchboard.command.CommandTable;
import dev.switchboard.delivery.OutboxKeys;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.NoticeKind;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one slash command on the dispatch loop, ahead of any turn (so /stop works while a turn
 * runs): unknown commands and admin-only ones from non-admins are answered with why; a
 * command that fails is answered with where to look. The drain waits for a running command.
 */
final class CommandRunner {
  private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);

  private final CommandScope scope;
  private final DispatcherListener listener;
  private final DrainGate gate;
  private final boolean sessionPerUserInGroups;
  private final GatewayEvents events;

  CommandRunner(
      CommandScope scope,
      DispatcherListener listener,
      DrainGate gate,
      boolean sessionPerUserInGroups,
      GatewayEvents events) {
    this.scope = scope;
    this.events = events;
    this.listener = listener;
    this.gate = gate;
    this.sessionPerUserInGroups = sessionPerUserInGroups;
  }

  void run(InboundMessage m, CommandTable.Invocation invocation, SessionLanes lanes) {
    SessionKey key = SessionKey.of(m, sessionPerUserInGroups);
    String outcome = execute(m, invocation, lanes, key);
    events.commandRun(EventChats.of(m, key), invocation.name(), outcome, invocation.arguments());
  }

  /** Returns what became of the command: done, turn, unknown, refused or failed. */
  private String execute(
      InboundMessage m, CommandTable.Invocation invocation, SessionLanes lanes, SessionKey key) {
    Optional<Command> command = scope.setup().commands().find(invocation.name());
    if (command.isEmpty()) {
      answer(
          m,
          "Unknown command /" + invocation.name() + ". Send /help to see the commands.",
          OutboxKeys.Topic.UNKNOWN_COMMAND);
      listener.finished(m, "unknown command");
      return "unknown";
    }
    if (command.get().adminOnly() && !scope.setup().isAdmin().test(m)) {
      log.info(
          "refused /{} to {} in {}: not an admin",
          invocation.name(),
          m.sender().userId(),
          m.chat());
      answer(m, "Only an admin can use /" + invocation.name() + ".", OutboxKeys.Topic.REFUSED);
      listener.finished(m, "refused");
      return "refused";
    }
    gate.enter();
    try {
      SessionCommandContext context =
          new SessionCommandContext(scope, lanes, m, invocation.arguments(), key);
      command.get().execute(context);
      if (context.turnSubmitted()) {
        return "turn"; // a command that became a turn (/queue, /retry) is finished by its turn
      }
      listener.finished(m, "command");
      return "done";
    } catch (RuntimeException e) {
      log.error("command /{} from {} failed", invocation.name(), m.chat(), e);
      answer(
          m,
          "The command /" + invocation.name() + " failed; the details are in the gateway log.",
          OutboxKeys.Topic.COMMAND_FAILED);
      listener.finished(m, "failed");
      return "failed";
    } finally {
      gate.leave();
    }
  }

  private void answer(InboundMessage m, String text, OutboxKeys.Topic topic) {
    scope.notices().about(m, NoticeKind.ANSWER, text, OutboxKeys.about(m.dedupeKey(), topic));
  }
}
