package dev.switchboard.lifecycle;

import dev.switchboard.http.JsonExchange;
import dev.switchboard.session.Dispatcher;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** What the admin page shows: the state file's view of the gateway plus the live sessions. */
final class AdminStatus implements Supplier<JsonNode> {
  private final StateFile stateFile;
  private final Dispatcher dispatcher;

  AdminStatus(StateFile stateFile, Dispatcher dispatcher) {
    this.stateFile = stateFile;
    this.dispatcher = dispatcher;
  }

  @Override
  public JsonNode get() {
    GatewayState s = stateFile.current();
    ObjectNode root = JsonExchange.json().createObjectNode();
    root.put("state", s.state());
    root.put("version", s.version());
    root.put("pid", s.pid());
    root.put("started_at", s.startedAt() == null ? null : s.startedAt().toString());
    root.put("service_manager", s.serviceManager());
    root.put("restart_requested", s.restartRequested());
    root.put("active_turns", dispatcher.activeTurns());
    root.put("queued_messages", dispatcher.queuedMessages());
    ObjectNode platforms = root.putObject("platforms");
    s.platforms().forEach((name, p) -> {
      ObjectNode node = platforms.putObject(name);
      node.put("state", p.state());
      node.put("last_error", p.lastError());
      node.put("next_attempt", p.nextAttempt() == null ? null : p.nextAttempt().toString());
    });
    ArrayNode sessions = root.putArray("sessions");
    for (Dispatcher.SessionActivity a : dispatcher.sessions()) {
      ObjectNode node = sessions.addObject();
      node.put("session", a.session());
      node.put("turn_running", a.turnRunning());
      node.put("waiting", a.waiting());
    }
    return root;
  }
}
