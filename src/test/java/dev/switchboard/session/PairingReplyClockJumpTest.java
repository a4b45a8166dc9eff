package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.auth.AccessPolicy;
import dev.switchboard.auth.Authorizer;
import dev.switchboard.auth.Pairing;
import dev.switchboard.auth.PairingCodes;
import dev.switchboard.command.CommandTable;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.testing.AdapterOutbound;
import dev.switchboard.testing.FakeGatewayControl;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.ManualClock;
import dev.switchboard.testing.VirtualThreadSpawner;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clock jump: an unknown user hears about pairing at most every 10 minutes, measured on the
 * monotonic ticker. A wall clock set back a day must not silence them for a day, and one set
 * forward must not repeat the reply at once.
 */
class PairingReplyClockJumpTest {
  private final ManualClock clock = new ManualClock();
  private final InMemoryStore store = new InMemoryStore();
  private final InMemoryAdapter chat = new InMemoryAdapter("mem");
  private final GatedBackend backend = new GatedBackend();
  private final VirtualThreadSpawner spawner = new VirtualThreadSpawner();
  private Dispatcher dispatcher;

  @BeforeEach
  void setUp() throws Exception {
    Delivery delivery = new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system());
    dispatcher = new Dispatcher(
        DispatcherSettings.defaults(),
        new SessionServices(backend, delivery, store.conversations(), spawner, Ticker.system()),
        new CommandSetup(CommandTable.standard(List.of()), new FakeGatewayControl(), m -> false),
        new RecordingListener());
    spawner.spawn("dispatch-loop", dispatcher::runLoop);
    InboundPipeline pipeline = new InboundPipeline(
        store.journal(),
        store.outbox(),
        new Authorizer(AccessPolicy.denyAll(), store.pairings()),
        new Pairing(store.pairings(), new PairingCodes(new SecureRandom()), clock),
        dispatcher,
        delivery,
        clock);
    chat.connect(pipeline, null);
    pipeline.resume(List.of(), Set.of("mem"));
  }

  @AfterEach
  void tearDown() {
    backend.finishAll();
    dispatcher.close();
    spawner.close();
  }

  private long pairingReplies() {
    return chat.texts("stranger").stream()
        .filter(t -> t.contains("switchboard pairing approve mem "))
        .count();
  }

  @Test
  void aWallClockSetBackDoesNotSilenceTheReplyAndOneSetForwardDoesNotRepeatIt() throws Exception {
    chat.deliver("stranger", "let me in");
    assertThat(pairingReplies()).isEqualTo(1);

    clock.jumpWallClock(Duration.ofDays(1));
    chat.deliver("stranger", "hello? (the wall clock is a day ahead now)");
    assertThat(pairingReplies()).as("repeated after a jump forward").isEqualTo(1);

    clock.jumpWallClock(Duration.ofDays(-2));
    clock.advance(InboundPipeline.PAIRING_REPLY_EVERY.plusSeconds(1));
    chat.deliver("stranger", "hello? (the wall clock is a day behind now)");
    assertThat(pairingReplies()).as("silenced after a jump back").isEqualTo(2);

    chat.deliver("stranger", "and again at once");
    assertThat(pairingReplies()).isEqualTo(2);
  }
}
