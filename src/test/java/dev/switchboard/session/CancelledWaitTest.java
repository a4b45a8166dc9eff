package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.store.StoreException;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.VirtualThreadSpawner;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A turn superseded while it waits for the store (a database that went away): the store's wait
 * ends in an exception, and the turn is logged as cancelled, not as a failure at ERROR.
 */
class CancelledWaitTest {
  private final GatedBackend backend = new GatedBackend();
  private final VirtualThreadSpawner spawner = new VirtualThreadSpawner();
  private final InMemoryStore store = new InMemoryStore();
  private final InMemoryAdapter chat = new InMemoryAdapter("mem");
  private final CountDownLatch waiting = new CountDownLatch(1);
  private final Logger schedulerLog = (Logger) LoggerFactory.getLogger(LaneScheduler.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Dispatcher dispatcher;

  /** Marks "slow" running as a store that lost its database would: it waits, interruptibly. */
  private final RecordingListener listener = new RecordingListener() {
    @Override
    public int started(InboundMessage message) {
      if (message.text().equals("slow")) {
        waiting.countDown();
        try {
          new CountDownLatch(1).await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException("stopped while waiting for the database (to start a turn)", e);
        }
      }
      return super.started(message);
    }
  };

  private Level levelBefore;

  @AfterEach
  void tearDown() {
    schedulerLog.detachAppender(logged);
    schedulerLog.setLevel(levelBefore);
    backend.finishAll();
    if (dispatcher != null) {
      dispatcher.close();
    }
    spawner.close();
  }

  @Test
  void aTurnCancelledWhileTheStoreMadeItWaitIsNoFailure() throws Exception {
    logged.start();
    levelBefore = schedulerLog.getLevel();
    schedulerLog.setLevel(Level.INFO);
    schedulerLog.addAppender(logged);
    chat.connect(m -> dispatcher.submit(m), null);
    dispatcher = new Dispatcher(
        DispatcherSettings.defaults().withBusyPolicy(BusyPolicy.INTERRUPT),
        TestSessions.services(backend, chat, store, spawner),
        TestSessions.commandsWithoutAdmins(),
        listener);
    spawner.spawn("dispatch-loop", dispatcher::runLoop);
    backend.finishAll();

    chat.deliver("alice", "slow");
    assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
    chat.deliver("alice", "next");

    await().atMost(Duration.ofSeconds(5)).until(() -> backend.finished().contains("next"));
    assertThat(logged.list)
        .noneMatch(e -> e.getLevel() == Level.ERROR)
        .anyMatch(e -> e.getLevel() == Level.INFO
            && e.getFormattedMessage().contains("ended when it was cancelled (SUPERSEDED)")
            && e.getFormattedMessage().contains("stopped while waiting for the database"));
  }
}
