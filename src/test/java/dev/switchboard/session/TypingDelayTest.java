package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.TaskSpawner;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.VirtualThreadSpawner;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code agent.typing_delay}: a fast answer costs no typing call, a slow one shows typing. */
class TypingDelayTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final GatedBackend backend = new GatedBackend();
  private final VirtualThreadSpawner threads = new VirtualThreadSpawner();
  /** Holds every turn's typing task until counted down; the tests that do not care open it. */
  private final CountDownLatch typingMayStart = new CountDownLatch(1);

  private final TaskSpawner spawner = (name, task) -> threads.spawn(name, () -> {
    if (name.startsWith("typing ")) {
      try {
        typingMayStart.await();
      } catch (InterruptedException e) {
        return;
      }
    }
    task.run();
  });
  private final InMemoryStore store = new InMemoryStore();
  private Dispatcher dispatcher;

  /** An adapter that counts its typing calls; {@code marksRead} as WhatsApp's does. */
  private static final class TypingAdapter extends InMemoryAdapter {
    final AtomicInteger typings = new AtomicInteger();
    private final boolean marksRead;

    TypingAdapter(boolean marksRead) {
      super("mem");
      this.marksRead = marksRead;
    }

    @Override
    public void typing(ChatRef chat) {
      typings.incrementAndGet();
    }

    @Override
    public boolean typingMarksRead() {
      return marksRead;
    }
  }

  private void start(TypingAdapter chat, Duration typingDelay) {
    start(chat, typingDelay, true);
  }

  private void start(TypingAdapter chat, Duration typingDelay, boolean typingFree) {
    if (typingFree) {
      typingMayStart.countDown();
    }
    TurnSettings turns = new TurnSettings(
        200, Duration.ofMinutes(2), false, TurnSettings.DEFAULT_SILENT_REPLY, typingDelay);
    chat.connect(m -> dispatcher.submit(m), null);
    dispatcher = new Dispatcher(
        DispatcherSettings.defaults().withTurns(turns),
        TestSessions.services(backend, chat, store, spawner),
        TestSessions.commandsWithoutAdmins(),
        new RecordingListener());
    spawner.spawn("dispatch-loop", dispatcher::runLoop);
  }

  @AfterEach
  void tearDown() {
    backend.finishAll();
    if (dispatcher != null) {
      dispatcher.close();
    }
    typingMayStart.countDown();
    threads.close();
  }

  @Test
  void anAnswerWithinTheDelaySendsNoTypingCall() throws Exception {
    TypingAdapter chat = new TypingAdapter(false);
    start(chat, Duration.ofSeconds(30));
    chat.deliver("alice", "hi");
    backend.awaitStart(5);
    backend.finish("hi");
    await().atMost(WAIT).until(() -> chat.texts("alice").contains("done: hi"));
    assertThat(chat.typings).hasValue(0);
  }

  @Test
  void aTurnLongerThanTheDelayShowsTyping() throws Exception {
    TypingAdapter chat = new TypingAdapter(false);
    start(chat, Duration.ofMillis(50));
    chat.deliver("alice", "slow");
    backend.awaitStart(5);
    await().atMost(WAIT).until(() -> chat.typings.get() == 1);
    backend.finish("slow");
    await().atMost(WAIT).until(() -> chat.texts("alice").contains("done: slow"));
  }

  @Test
  void typingThatMarksTheMessageReadGoesAtOnceWhateverTheDelay() throws Exception {
    TypingAdapter chat = new TypingAdapter(true);
    start(chat, Duration.ofSeconds(30));
    chat.deliver("alice", "read me");
    backend.awaitStart(5);
    // the turn is still running: only a typing call made without the delay can be counted
    await().atMost(WAIT).until(() -> chat.typings.get() == 1);
    backend.finish("read me");
    await().atMost(WAIT).until(() -> chat.texts("alice").contains("done: read me"));
  }

  @Test
  void typingThatMarksTheMessageReadGoesEvenWhenTheAnswerCameFirst() throws Exception {
    TypingAdapter chat = new TypingAdapter(true);
    start(chat, Duration.ZERO, false);
    chat.deliver("alice", "quick");
    backend.awaitStart(5);
    backend.finish("quick");
    await().atMost(WAIT).until(() -> chat.texts("alice").contains("done: quick"));
    // the typing task starts only now, after the whole turn: the interleaving that lost it
    typingMayStart.countDown();
    await().atMost(WAIT).until(() -> chat.typings.get() == 1);
  }
}
