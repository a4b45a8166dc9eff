package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.Outbox;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.ManualClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The outbox writes a reply costs: each is a store transaction on the hot path, so a
 * one-message answer records its send in one write and settles it, whole, in another.
 */
class OutboxWritesPerReplyTest {
  private static final ChatRef CHAT = ChatRef.of("mem", "c1");
  private static final InboundMessage ASKED =
      new InboundMessage(CHAT, "m7", new Sender("u1", "Ann"), "question", false, Instant.EPOCH);

  private final InMemoryStore store = new InMemoryStore();
  private final List<String> writes = new CopyOnWriteArrayList<>();
  private final RecordingOutbound out =
      new RecordingOutbound(new PlatformLimits(40, true, Duration.ZERO));
  private final Delivery delivery = new Delivery(
      out, counted(store.outbox()), new ManualClock(), d -> {}, new java.util.Random(1));

  /** The outbox, noting the name of every call that is not a read. */
  private Outbox counted(Outbox outbox) {
    return (Outbox) Proxy.newProxyInstance(
        Outbox.class.getClassLoader(), new Class<?>[] {Outbox.class}, (proxy, method, args) -> {
          if (!List.of("find", "forInbound").contains(method.getName())) {
            writes.add(method.getName());
          }
          try {
            return method.invoke(outbox, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private Outbox.Entry firstPart() {
    return store.outbox().find(OutboxKeys.firstReplyPart(ASKED.dedupeKey(), 1)).orElseThrow();
  }

  @Test
  void aOneMessageAnswerIsRecordedAsSentAndWholeInTwoWrites() {
    assertThat(delivery.openReply(ASKED, 1).finish("short answer")).isTrue();

    assertThat(out.visible()).containsExactly("short answer");
    assertThat(writes).containsExactly("claimNewAsSending", "markSent");
    assertThat(firstPart().status()).isEqualTo(Outbox.Status.SENT);
    assertThat(firstPart().complete()).isTrue();
  }

  @Test
  void anAnswerInTwoMessagesIsMarkedWholeOnlyAfterItsLastPart() {
    String reply = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj";

    assertThat(delivery.openReply(ASKED, 1).finish(reply)).isTrue();

    assertThat(out.visible()).hasSize(2);
    assertThat(writes)
        .containsExactly(
            "claimNewAsSending", "markSent", "claimNewAsSending", "markSent", "markSent");
    assertThat(firstPart().complete()).isTrue();
  }
}
