package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.command.CommandTable;
import dev.switchboard.command.GatewayControl.RestartOutcome;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a misbehaving platform or a stop at the wrong moment must not do to the dispatcher. */
class DispatcherRobustnessTest {
  private final GatedBackend backend = new GatedBackend();
  private final VirtualThreadSpawner spawner = new VirtualThreadSpawner();
  private final RecordingListener listener = new RecordingListener();
  private final InMemoryStore store = new InMemoryStore();
  private final CountDownLatch releaseSend = new CountDownLatch(1);
  private final CountDownLatch sendBlocked = new CountDownLatch(1);
  private volatile String blockTextsStartingWith;
  private volatile String throwOnTextsStartingWith;
  private Dispatcher dispatcher;

  /** A platform whose sends and edits can be made to hang or throw, chosen by text. */
  private final InMemoryAdapter chat = new InMemoryAdapter("mem") {
    @Override
    public MessageRef send(ChatRef c, String text) throws PlatformException {
      misbehave(text);
      return super.send(c, text);
    }

    @Override
    public void edit(MessageRef m, String text) throws PlatformException {
      misbehave(text);
      super.edit(m, text);
    }
  };

  private void misbehave(String text) {
    if (throwOnTextsStartingWith != null && text.startsWith(throwOnTextsStartingWith)) {
      throw new IllegalStateException("adapter bug");
    }
    if (blockTextsStartingWith != null && text.startsWith(blockTextsStartingWith)) {
      sendBlocked.countDown();
      try {
        releaseSend.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Dispatcher build() {
    chat.connect(m -> dispatcher.submit(m), null);
    dispatcher = new Dispatcher(
        DispatcherSettings.defaults().withBusyPolicy(BusyPolicy.QUEUE),
        TestSessions.services(backend, chat, store, spawner),
        TestSessions.commandsWithoutAdmins(),
        listener);
    return dispatcher;
  }

  private Dispatcher start() {
    build();
    spawner.spawn("dispatch-loop", dispatcher::runLoop);
    return dispatcher;
  }

  @AfterEach
  void tearDown() {
    releaseSend.countDown();
    backend.finishAll();
    if (dispatcher != null) {
      dispatcher.close();
    }
    spawner.close();
  }

  @Test
  void anUncheckedExceptionWhileDeliveringEndsTheTurnNotTheSession() throws Exception {
    start();
    throwOnTextsStartingWith = "done: boom";
    backend.finishAll();
    chat.deliver("alice", "boom");
    await().atMost(Duration.ofSeconds(5)).until(() -> backend.finished().contains("boom"));
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.activeTurns() == 0);
    chat.deliver("alice", "next");
    await().atMost(Duration.ofSeconds(5)).until(() -> backend.finished().contains("next"));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.transcript("alice")).contains("done: next"));
  }

  @Test
  void aTurnAlreadyDeliveringItsReplyIsAnsweredNotDeferred() throws Exception {
    start();
    blockTextsStartingWith = "done: x";
    backend.finishAll();
    chat.deliver("alice", "x");
    assertThat(sendBlocked.await(5, TimeUnit.SECONDS)).isTrue();
    dispatcher.beginDrain(DrainReason.RESTART);
    assertThat(dispatcher.interruptRunning()).isEqualTo(1);
    releaseSend.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.activeTurns() == 0);
    assertThat(chat.transcript("alice")).contains("done: x");
    await().untilAsserted(() -> assertThat(listener.finished).containsEntry("x", "answered"));
    assertThat(listener.deferred).isEmpty();
  }

  @Test
  void messagesStillInTheIntakeAtCloseAndAfterItAreDeferred() throws Exception {
    build(); // no loop: whatever is submitted stays in the intake
    chat.deliver("bob", "waiting 1");
    chat.deliver("carol", "waiting 2");
    dispatcher.beginDrain(DrainReason.STOP);
    dispatcher.close();
    chat.deliver("dave", "after close");
    assertThat(listener.deferred)
        .containsExactly("waiting 1/STOP", "waiting 2/STOP", "after close/STOP");
  }

  @Test
  void aHangingPlatformSendDoesNotStallTheDispatchLoop() throws Exception {
    start();
    blockTextsStartingWith = "Unknown command";
    chat.deliver("alice", "/nope"); // its reply hangs in the platform
    assertThat(sendBlocked.await(5, TimeUnit.SECONDS)).isTrue();
    chat.deliver("bob", "/status");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.transcript("bob")).contains("Session: mem:bob"));
    chat.deliver("bob", "still served");
    assertThat(backend.awaitStart(5).text()).isEqualTo("still served");
  }

  @Test
  void theDrainWaitsForTheReplyOfTheCommandThatStartedIt() throws Exception {
    // /restart begins the drain from inside the command, before its own reply is sent; the
    // platforms must not disconnect before "Restarting..." is out.
    java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Void>>
        drain = new java.util.concurrent.atomic.AtomicReference<>();
    FakeGatewayControl gateway = new FakeGatewayControl() {
      @Override
      public RestartOutcome requestRestart(InboundMessage requester) {
        drain.set(dispatcher.beginDrain(DrainReason.RESTART));
        return RestartOutcome.ACCEPTED;
      }
    };
    chat.connect(m -> dispatcher.submit(m), null);
    dispatcher = new Dispatcher(
        DispatcherSettings.defaults(),
        new SessionServices(
            backend,
            new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system()),
            store.conversations(),
            spawner,
            Ticker.system()),
        new CommandSetup(CommandTable.standard(List.of()), gateway, m -> true),
        listener);
    spawner.spawn("dispatch-loop", dispatcher::runLoop);
    blockTextsStartingWith = "\u267b Restarting";
    chat.deliver("admin", "/restart");
    assertThat(sendBlocked.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(drain.get()).isNotNull().isNotDone();
    releaseSend.countDown();
    drain.get().get(5, TimeUnit.SECONDS);
    assertThat(chat.transcript("admin")).contains("Restarting");
  }

  @Test
  void aSessionKeepsItsConversationWhileIdleAndChangesItOnlyWithNew() throws Exception {
    start();
    backend.finishAll();
    chat.deliver("alice", "one");
    String first = backend.awaitStart(5).conversationId();
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.activeTurns() == 0);
    chat.deliver("alice", "two"); // the idle lane was dropped in between
    assertThat(backend.awaitStart(5).conversationId()).isEqualTo(first);
    chat.deliver("alice", "/new");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(chat.transcript("alice")).contains("Started a new conversation."));
    chat.deliver("alice", "three");
    String second = backend.awaitStart(5).conversationId();
    assertThat(second).isNotEqualTo(first);
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatcher.activeTurns() == 0);
    chat.deliver("alice", "four");
    assertThat(backend.awaitStart(5).conversationId()).isEqualTo(second);
  }
}
