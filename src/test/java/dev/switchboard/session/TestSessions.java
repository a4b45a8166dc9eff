package dev.switchboard.session;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.command.CommandTable;
import dev.switchboard.common.TaskSpawner;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.testing.AdapterOutbound;
import dev.switchboard.testing.FakeGatewayControl;
import dev.switchboard.testing.InMemoryStore;
import java.util.List;

/** The parts a dispatcher under test is usually built from. */
final class TestSessions {
  private TestSessions() {}

  /** {@code backend} answering, replies delivered straight to {@code chat}, kept in {@code store}. */
  static SessionServices services(
      AgentBackend backend, PlatformAdapter chat, InMemoryStore store, TaskSpawner spawner) {
    return new SessionServices(
        backend,
        new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system()),
        store.conversations(),
        spawner,
        Ticker.system());
  }

  /** The standard commands, no admin. */
  static CommandSetup commandsWithoutAdmins() {
    return new CommandSetup(CommandTable.standard(List.of()), new FakeGatewayControl(), m -> false);
  }
}
