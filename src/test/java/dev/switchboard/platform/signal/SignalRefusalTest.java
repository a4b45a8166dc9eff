package dev.switchboard.platform.signal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.DeliveryEvents;
import dev.switchboard.delivery.PlatformRouter;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.platform.signal.fake.FakeSignalDaemon;
import dev.switchboard.testing.InMemoryStore;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replies signal-cli refuses, through the gateway's delivery and the adapter against the fake
 * daemon: a message whose text styles it cannot read goes again without them; a recipient whose
 * safety number changed gets nothing more, and the refusal is counted once.
 */
class SignalRefusalTest {
  private static final String ANN = "5b1d7f8e-1111-4c2a-9d3e-aaaaaaaaaaaa";
  private static final ChatRef CHAT = ChatRef.of("signal", ANN);
  private static final InboundMessage ASKED = new InboundMessage(
      CHAT, ANN + ":1764300000001", new Sender(ANN, "Ann"), "tell me", false, Instant.now());
  private static final String ANSWER = "Here is **the answer**, with `code` in it.";

  private FakeSignalDaemon signal;
  private SignalAdapter adapter;
  private final InMemoryStore store = new InMemoryStore();
  private final List<String> refusedOn = new CopyOnWriteArrayList<>();
  private final DeliveryEvents events = new DeliveryEvents() {
    @Override
    public void refused(String platform) {
      refusedOn.add(platform);
    }
  };

  @BeforeEach
  void setUp() throws Exception {
    signal = FakeSignalDaemon.singleAccount(SignalAdapterTest.BOT);
    SignalSettings s = new SignalSettings(
        SignalAdapterTest.BOT, URI.create(signal.baseUrl()), List.of(), List.of(), null, true);
    adapter = new SignalAdapter(s, s.url(), Clock.systemUTC());
  }

  @AfterEach
  void tearDown() throws Exception {
    adapter.close();
    signal.close();
  }

  private Delivery delivery() {
    return new Delivery(
        new PlatformRouter(List.of(adapter)), store.outbox(), Ticker.system(), events);
  }

  @Test
  void aMessageWithStylesSignalCliCannotReadGoesWithoutThem() {
    signal.failNext(-1, "Invalid textStyle syntax (0:4:BOLD) expected 'start:length:STYLE'", null);
    signal.failNext(-1, "Invalid textStyle syntax (0:4:BOLD) expected 'start:length:STYLE'", null);

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isTrue();

    assertThat(String.join(
            " ", signal.sent().stream().map(FakeSignalDaemon.Sent::text).toList()))
        .isEqualTo("Here is the answer, with code in it.");
    assertThat(signal.sent()).allSatisfy(s -> assertThat(s.textStyles()).isEmpty());
    assertThat(refusedOn).containsExactly("signal");
  }

  @Test
  void anUntrustedIdentityIsRefusedAndNothingIsSentTwice() {
    signal.failSends(-4, "Failed to send message due to untrusted identities");

    assertThat(delivery().openReply(ASKED, 1).finish(ANSWER)).isFalse();
    assertThat(delivery().redeliver(ASKED, 1, ANSWER)).isFalse();

    assertThat(signal.sent()).isEmpty();
    assertThat(refusedOn).containsExactly("signal");
    int tries = signal.calls("send").size();
    signal.failSends(null, "");
    assertThat(delivery().redeliver(ASKED, 1, ANSWER)).isFalse();
    assertThat(signal.calls("send")).hasSize(tries); // the outbox knows it was given up
  }
}
