package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.command.CommandTable;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.testing.AdapterOutbound;
import dev.switchboard.testing.FakeGatewayControl;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.VirtualThreadSpawner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Closing the dispatcher does not declare it drained while a notice is still on its way: the
 * drain has one condition, whichever way it begins.
 */
class DispatcherCloseTest {
  private final CountDownLatch sendEntered = new CountDownLatch(1);
  private final CountDownLatch releaseSend = new CountDownLatch(1);
  private final InMemoryAdapter chat = new InMemoryAdapter("mem") {
    @Override
    public MessageRef send(ChatRef to, String text) throws PlatformException {
      sendEntered.countDown();
      try {
        releaseSend.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.send(to, text);
    }
  };
  private final VirtualThreadSpawner spawner = new VirtualThreadSpawner();
  private final InMemoryStore store = new InMemoryStore();
  private Dispatcher dispatcher;

  @AfterEach
  void tearDown() {
    releaseSend.countDown();
    if (dispatcher != null) {
      dispatcher.close();
    }
    spawner.close();
  }

  @Test
  void closeDoesNotCompleteTheDrainWhileANoticeIsOnItsWay() throws Exception {
    dispatcher = new Dispatcher(
        DispatcherSettings.defaults(),
        new SessionServices(
            new GatedBackend(),
            new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system()),
            store.conversations(),
            spawner,
            Ticker.system()),
        new CommandSetup(CommandTable.standard(List.of()), new FakeGatewayControl(), m -> false),
        DispatcherListener.NONE);
    chat.connect(m -> dispatcher.submit(m), null);
    spawner.spawn("dispatch-loop", dispatcher::runLoop);

    chat.deliver("c1", "/frobnicate"); // answered with a notice: "Unknown command"
    sendEntered.await();
    dispatcher.close();
    CompletableFuture<Void> drained = dispatcher.beginDrain(DrainReason.STOP);
    assertThat(drained).isNotDone();

    releaseSend.countDown();
    await().atMost(Duration.ofSeconds(5)).until(drained::isDone);
    assertThat(chat.texts("c1")).anyMatch(t -> t.startsWith("Unknown command /frobnicate"));
  }
}
