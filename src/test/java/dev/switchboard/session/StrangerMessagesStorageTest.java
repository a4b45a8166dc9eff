package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.auth.AccessPolicy;
import dev.switchboard.auth.Authorizer;
import dev.switchboard.auth.Pairing;
import dev.switchboard.auth.PairingCodes;
import dev.switchboard.command.CommandTable;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.store.Store;
import dev.switchboard.store.sqlite.SqliteStore;
import dev.switchboard.testing.AdapterOutbound;
import dev.switchboard.testing.FakeGatewayControl;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.VirtualThreadSpawner;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's case, through the whole inbound pipeline into the real SQLite file: 300 long
 * messages from strangers once added 5.3 MB, their full text kept in the journal. Now what
 * they leave is the journal's note of each (sender id, message id), one pairing code or "too
 * many requests" notice per stranger in the outbox, and the pending codes.
 */
class StrangerMessagesStorageTest {
  private static final int MESSAGES = 300;
  /** Each hears about pairing once, so the outbox holds one notice per stranger. */
  private static final int STRANGERS = 30;
  /** About what the audit sent: 17 KB a message. */
  private static final String WORDS = "a long message from someone nobody let in ".repeat(400);

  @TempDir
  Path dir;

  private final InMemoryAdapter chat = new InMemoryAdapter("mem");
  private final GatedBackend backend = new GatedBackend();
  private final VirtualThreadSpawner spawner = new VirtualThreadSpawner();
  private Dispatcher dispatcher;

  @AfterEach
  void tearDown() {
    backend.finishAll();
    if (dispatcher != null) {
      dispatcher.close();
    }
    spawner.close();
  }

  @Test
  void threeHundredStrangersAddNoneOfTheirWordsToTheDatabase() throws Exception {
    try (Store store = SqliteStore.open(dir.resolve("switchboard.db"), Clock.systemUTC())) {
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
          new Pairing(store.pairings(), new PairingCodes(new SecureRandom()), Clock.systemUTC()),
          dispatcher,
          delivery,
          Ticker.system());
      chat.connect(pipeline, null);
      pipeline.resume(List.of(), Set.of("mem"));
      store.compact(); // the WAL into the file, so both sizes are the data's
      long before = store.bytesOnDisk();

      for (int i = 0; i < MESSAGES; i++) {
        chat.deliver("stranger-" + i % STRANGERS, WORDS + i);
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> chat.sent().size() == STRANGERS);
      store.compact();
      long added = store.bytesOnDisk() - before;

      assertThat(added)
          .as("bytes %d messages of %d characters added", MESSAGES, WORDS.length())
          .isLessThan(100_000);
      assertThat(store.journal().unfinished()).isEmpty();
    }
  }
}
