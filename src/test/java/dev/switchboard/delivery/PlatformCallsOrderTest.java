package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Ticker;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One call at a time per chat; other chats are not held up. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PlatformCallsOrderTest {
  private static final ChatRef A = ChatRef.of("tg", "a");
  private static final ChatRef B = ChatRef.of("tg", "b");

  /** Sends to chat "a" wait at a gate the test opens; everything else answers at once. */
  private static final class GatedOutbound implements Outbound {
    final CountDownLatch firstToAEntered = new CountDownLatch(1);
    final CountDownLatch releaseA = new CountDownLatch(1);
    final List<String> entered = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlightToA = new AtomicInteger();
    final AtomicInteger maxInFlightToA = new AtomicInteger();

    @Override
    public PlatformLimits limits(String platform) {
      return new PlatformLimits(4096, true, Duration.ZERO);
    }

    @Override
    public MessageRef send(ChatRef chat, String text) throws PlatformException {
      entered.add(text);
      if (chat.equals(A)) {
        maxInFlightToA.accumulateAndGet(inFlightToA.incrementAndGet(), Math::max);
        firstToAEntered.countDown();
        try {
          releaseA.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          inFlightToA.decrementAndGet();
        }
      }
      return new MessageRef(chat, text);
    }

    @Override
    public void edit(MessageRef message, String text) {
      entered.add("edit " + text);
    }
  }

  @Test
  void aSecondCallToTheSameChatWaitsForTheFirstWhileOtherChatsGoOn() throws Exception {
    GatedOutbound out = new GatedOutbound();
    PlatformCalls calls = new PlatformCalls(out, Ticker.system(), d -> {}, new Random(1));
    Thread first = Thread.ofVirtual().start(() -> send(calls, A, "a1"));
    assertThat(out.firstToAEntered.await(5, TimeUnit.SECONDS)).isTrue();
    Thread second = Thread.ofVirtual().start(() -> send(calls, A, "a2"));
    send(calls, B, "b1"); // another chat: not held up by the call in flight to "a"
    assertThat(calls.editIfAllowed(new MessageRef(A, "a1"), "preview")).isFalse();
    assertThat(second.join(Duration.ofMillis(200))).isFalse(); // still waiting for a1
    assertThat(out.entered).containsExactly("a1", "b1");

    out.releaseA.countDown();
    assertThat(first.join(Duration.ofSeconds(5))).isTrue();
    assertThat(second.join(Duration.ofSeconds(5))).isTrue();
    assertThat(out.entered).containsExactly("a1", "b1", "a2");
    assertThat(out.maxInFlightToA.get()).isEqualTo(1);
    assertThat(calls.editIfAllowed(new MessageRef(A, "a1"), "preview")).isTrue();
  }

  private static void send(PlatformCalls calls, ChatRef chat, String text) {
    try {
      calls.send(chat, text, "key:" + text);
    } catch (PlatformException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
