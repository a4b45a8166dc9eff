package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.store.Conversations;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.VirtualThreadSpawner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's answer is in the transcript and the journal before its delivery begins: a process
 * that dies while delivering it leaves the next turn's history right, and the next process the
 * answer to deliver again.
 */
class AnswerRecordedBeforeDeliveryTest {
  private final InMemoryStore store = new InMemoryStore();
  private final GatedBackend backend = new GatedBackend();
  private final VirtualThreadSpawner spawner = new VirtualThreadSpawner();
  /** What the transcript and the journal held when the first send of the reply was made. */
  private final List<String> seenAtSend = new CopyOnWriteArrayList<>();

  private final List<String> replied = new CopyOnWriteArrayList<>();
  private final InMemoryAdapter chat =
      new InMemoryAdapter("mem", new PlatformLimits(4096, false, Duration.ZERO)) {
        @Override
        public MessageRef send(ChatRef to, String text) throws PlatformException {
          if (text.startsWith("done: ")) {
            String session = SessionKey.of(message(to.chatId(), "x"), true).id();
            Conversations c = store.conversations();
            c.lines(session, c.generation(session), 10)
                .forEach(l -> seenAtSend.add(l.role() + ": " + l.text()));
            seenAtSend.add("replied: " + String.join("|", replied));
            throw new PlatformException("the platform refused it", true);
          }
          return super.send(to, text);
        }
      };
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
  void theAnswerIsInTheTranscriptAndRecordedBeforeItIsSent() throws Exception {
    dispatcher = new Dispatcher(
        DispatcherSettings.defaults(),
        TestSessions.services(backend, chat, store, spawner),
        TestSessions.commandsWithoutAdmins(),
        new RecordingListener() {
          @Override
          public void replied(InboundMessage message, String reply) {
            replied.add(reply);
          }
        });
    chat.connect(m -> dispatcher.submit(m), null);
    spawner.spawn("dispatch-loop", dispatcher::runLoop);

    chat.deliver("alice", "ping");
    backend.finish("ping");

    await().atMost(Duration.ofSeconds(5)).until(() -> !seenAtSend.isEmpty());
    assertThat(seenAtSend)
        .containsExactly("user: ping", "assistant: done: ping", "replied: done: ping");
  }

  private InboundMessage message(String chatId, String text) {
    return chat.message(chatId, text);
  }
}
