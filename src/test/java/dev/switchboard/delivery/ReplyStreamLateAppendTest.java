package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Ticker;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.Sender;
import dev.switchboard.testing.InMemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A backend's reader thread may append late or concurrently; the final text stays final. */
class ReplyStreamLateAppendTest {
  private final RecordingOutbound out =
      new RecordingOutbound(new PlatformLimits(4096, true, Duration.ZERO));
  private final ReplyStream stream = new Delivery(
          out, new InMemoryStore().outbox(), Ticker.system(), d -> {}, new java.util.Random(1))
      .openReply(
          new InboundMessage(
              ChatRef.of("mem", "1"), "m1", new Sender("u1", "U"), "q", false, Instant.EPOCH),
          1);

  @Test
  void aPieceAfterFinishDoesNotTurnTheFinalTextBackIntoAPreview() {
    stream.append("Hello");
    stream.finish("Hello world.");
    stream.append(" late token");
    assertThat(out.visible()).containsExactly("Hello world.");
    assertThat(stream.finish("again")).isTrue();
    assertThat(out.visible()).containsExactly("Hello world.");
  }

  @Test
  void concurrentPiecesAreAllKept() throws Exception {
    int threads = 8;
    int pieces = 200;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      writers.add(Thread.ofPlatform().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < pieces; i++) {
          stream.append("x");
        }
      }));
    }
    go.countDown();
    for (Thread w : writers) {
      w.join();
    }
    assertThat(stream.textSoFar()).hasSize(threads * pieces);
  }
}
