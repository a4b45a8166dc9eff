package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.command.CommandTable;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.hooks.EventChat;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.testing.AdapterOutbound;
import dev.switchboard.testing.FakeGatewayControl;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.VirtualThreadSpawner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the sessions report for the hooks, through a real dispatcher. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionEventsTest {
  private static final EventChat ALICE = new EventChat("mem", "alice", null, "alice", "mem:alice");

  private final InMemoryAdapter chat = new InMemoryAdapter("mem");
  private final VirtualThreadSpawner spawner = new VirtualThreadSpawner();
  private final InMemoryStore store = new InMemoryStore();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<Duration> durations = new CopyOnWriteArrayList<>();
  private final GatedBackend backend = new GatedBackend();
  private Dispatcher dispatcher;

  /** Records each event as a line: its name, then what matters to the test. */
  private final GatewayEvents recording = new GatewayEvents() {
    @Override
    public void gatewayStarted(String version, List<String> platforms) {}

    @Override
    public void gatewayStopping(String kind, String source) {}

    @Override
    public void platformState(String platform, String state, @Nullable String error) {}

    @Override
    public void sessionNew(EventChat at, int conversation) {
      assertThat(at).isEqualTo(ALICE);
      events.add("session.new " + conversation);
    }

    @Override
    public void turnStarted(EventChat at, int attempt, String text) {
      assertThat(at).isEqualTo(ALICE);
      events.add("turn.started " + attempt + " " + text);
    }

    @Override
    public void turnFinished(
        EventChat at,
        int attempt,
        String outcome,
        Duration took,
        String text,
        @Nullable String reply) {
      assertThat(at).isEqualTo(ALICE);
      durations.add(took);
      events.add("turn.finished " + attempt + " " + outcome + " " + text + " -> " + reply);
    }

    @Override
    public void commandRun(EventChat at, String command, String outcome, String arguments) {
      assertThat(at).isEqualTo(ALICE);
      events.add("command.run " + command + " " + outcome + " [" + arguments + "]");
    }

    @Override
    public void jobRun(EventChat at, long job, String schedule, Instant due, String outcome) {
      events.add("job.run " + job);
    }
  };

  @BeforeEach
  void start() {
    backend.finishAll();
    chat.connect(m -> dispatcher.submit(m), null);
    dispatcher = new Dispatcher(
        DispatcherSettings.defaults(),
        new SessionServices(
                backend,
                new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system()),
                store.conversations(),
                spawner,
                Ticker.system())
            .withEvents(recording),
        new CommandSetup(CommandTable.standard(List.of()), new FakeGatewayControl(), m -> false),
        DispatcherListener.NONE);
    spawner.spawn("dispatch-loop", dispatcher::runLoop);
  }

  @AfterEach
  void tearDown() {
    dispatcher.close();
    spawner.close();
  }

  private void awaitEvents(int count) {
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= count);
  }

  @Test
  void turnsConversationsAndCommandsAreReportedWhereTheyHappen() throws Exception {
    chat.deliver("alice", "one");
    awaitEvents(3);
    chat.deliver("alice", "two");
    awaitEvents(5);
    chat.deliver("alice", "/new");
    awaitEvents(6);
    chat.deliver("alice", "three");
    awaitEvents(9);
    chat.deliver("alice", "/frobnicate now");
    awaitEvents(10);
    chat.deliver("alice", "/retry");
    awaitEvents(14);

    assertThat(events.subList(0, 10))
        .containsExactly(
            "session.new 0",
            "turn.started 1 one",
            "turn.finished 1 answered one -> done: one",
            "turn.started 1 two",
            "turn.finished 1 answered two -> done: two",
            "command.run new done []",
            "session.new 1",
            "turn.started 1 three",
            "turn.finished 1 answered three -> done: three",
            "command.run frobnicate unknown [now]");
    // /retry took back the only exchange of conversation 1: its turn starts from nothing again.
    // The command's own event and its turn's run on different threads, in either order.
    List<String> retried = events.subList(10, 14);
    assertThat(retried).contains("command.run retry turn []");
    assertThat(retried.stream().filter(e -> !e.startsWith("command.run")))
        .containsExactly(
            "session.new 1",
            "turn.started 1 three",
            "turn.finished 1 answered three -> done: three");
    assertThat(durations).allSatisfy(d -> assertThat(d).isPositive());
  }

  @Test
  void aTurnTheUserStoppedIsReportedStoppedWithoutAReply() throws Exception {
    GatedBackend held = new GatedBackend();
    dispatcher.close();
    dispatcher = new Dispatcher(
        DispatcherSettings.defaults(),
        new SessionServices(
                held,
                new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system()),
                store.conversations(),
                spawner,
                Ticker.system())
            .withEvents(recording),
        new CommandSetup(CommandTable.standard(List.of()), new FakeGatewayControl(), m -> false),
        DispatcherListener.NONE);
    spawner.spawn("dispatch-loop", dispatcher::runLoop);

    chat.deliver("alice", "long job");
    held.awaitStart(5);
    chat.deliver("alice", "/stop");

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> events.stream().anyMatch(e -> e.startsWith("turn.finished")));
    assertThat(events)
        .contains("turn.started 1 long job", "command.run stop done []")
        .contains("turn.finished 1 stopped long job -> null");
  }
}
