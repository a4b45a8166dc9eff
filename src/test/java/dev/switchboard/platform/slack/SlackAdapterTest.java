package dev.switchboard.platform.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.slack.fake.FakeSlackServer;
import dev.switchboard.testing.StubPlatformContext;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Slack adapter against the fake Socket Mode and Web API on loopback. */
class SlackAdapterTest {
  private static final String BOT = "xoxb-1111-2222-fakebot";
  private static final String APP = "xapp-1-A1-3333-fakeapp";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private FakeSlackServer slack;
  private SlackAdapter adapter;
  private final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch holdInbound = new CountDownLatch(0);

  @BeforeEach
  void setUp() throws Exception {
    slack = new FakeSlackServer(BOT, APP);
  }

  @AfterEach
  void tearDown() throws Exception {
    holdInbound.countDown();
    if (adapter != null) {
      adapter.disconnect();
    }
    slack.close();
  }

  private void connect(String botToken, String appToken) throws Exception {
    adapter = new SlackAdapter(
        new SlackSettings(
            botToken,
            appToken,
            URI.create(slack.apiBase()),
            URI.create(slack.filesBase()),
            Duration.ofSeconds(1)),
        Clock.systemUTC());
    adapter.connect(
        m -> {
          holdInbound.await();
          inbound.add(m);
        },
        new StubPlatformContext());
  }

  @Test
  void directMessagesAndMentionsArriveAndAreAcknowledgedAfterTheyAreTaken() throws Exception {
    connect(BOT, APP);
    String dm = slack.directMessage("U1", "D1", "hello &amp; welcome");
    String mention = slack.mention("U2", "C1", "what is up?", null);
    await().atMost(WAIT).until(() -> inbound.size() == 2);
    assertThat(inbound.getFirst().text()).isEqualTo("hello & welcome");
    assertThat(inbound.getFirst().chat()).isEqualTo(new ChatRef("slack", "D1", null));
    assertThat(inbound.getFirst().group()).isFalse();
    InboundMessage m = inbound.get(1);
    assertThat(m.text()).isEqualTo("what is up?");
    assertThat(m.group()).isTrue();
    assertThat(m.chat().threadId()).isEqualTo(m.messageId()); // answered in a thread under it
    await().atMost(WAIT).until(() -> slack.acked(dm) && slack.acked(mention));
  }

  @Test
  void anEventIsNotAcknowledgedUntilTheGatewayHasTakenIt() throws Exception {
    connect(BOT, APP);
    holdInbound = new CountDownLatch(1);
    String env = slack.directMessage("U1", "D1", "keep me");
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !slack.acked(env));
    holdInbound.countDown();
    await().atMost(WAIT).until(() -> slack.acked(env));
    assertThat(inbound).hasSize(1);
  }

  @Test
  void aRedeliveredEventIsAcknowledgedButTakenOnce() throws Exception {
    connect(BOT, APP);
    holdInbound = new CountDownLatch(1);
    String env = slack.directMessage("U1", "D1", "only once");
    slack.redeliver(env); // Slack gave up waiting for the ack and sent it again
    holdInbound.countDown();
    await().atMost(WAIT).until(() -> slack.acked(env));
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> inbound.size() == 1);
  }

  @Test
  void aRefreshOpensTheNextConnectionBeforeClosingTheOldOneAndLosesNothing() throws Exception {
    connect(BOT, APP);
    slack.requestRefresh();
    await()
        .atMost(WAIT)
        .until(() -> slack.connectionsOpened() == 2 && slack.openConnections() == 1);
    assertThat(slack.mostConnectionsOpenAtOnce()).isEqualTo(2);
    String env = slack.directMessage("U1", "D1", "after the refresh");
    await().atMost(WAIT).until(() -> slack.acked(env));
    assertThat(inbound).extracting(InboundMessage::text).containsExactly("after the refresh");
  }

  @Test
  void aDroppedConnectionReconnectsAndGetsWhatWasNotAcknowledged() throws Exception {
    connect(BOT, APP);
    slack.dropConnection();
    String env = slack.directMessage("U1", "D1", "sent while down"); // kept, redelivered
    await().atMost(WAIT).until(() -> slack.acked(env));
    assertThat(inbound).extracting(InboundMessage::text).containsExactly("sent while down");
    assertThat(slack.connectionsOpened()).isEqualTo(2);
  }

  @Test
  void repliesArePostedInTheThreadAndUpdatedAndA429IsWaitedOut() throws Exception {
    connect(BOT, APP);
    ChatRef thread = new ChatRef("slack", "C1", "1764300000.000100");
    MessageRef sent = adapter.send(
        thread, adapter.render("**bold** and [a link](https://x.io)").getFirst());
    slack.rateLimitNext(1);
    adapter.edit(sent, "final");
    assertThat(slack.posted("C1")).singleElement().satisfies(p -> {
      assertThat(p.threadTs()).isEqualTo("1764300000.000100");
      assertThat(p.text()).isEqualTo("final");
      assertThat(p.updates()).isEqualTo(1);
    });
    assertThat(slack.rateLimitedAnswers()).isEqualTo(1);
  }

  @Test
  void wrongTokensFailTheConnectWithTheReasonAndNoToken() {
    assertThatThrownBy(() -> connect("xoxb-9999-wrong", APP))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
          assertThat(e.getMessage()).contains("auth.test: invalid_auth").doesNotContain("wrong");
        });
    assertThatThrownBy(() -> connect(BOT, "xapp-1-A1-9999-wrong"))
        .isInstanceOfSatisfying(
            PlatformException.class,
            e -> assertThat(e.getMessage())
                .contains("refused the app-level token")
                .doesNotContain("wrong"));
  }

  @Test
  void theConnectionIsReplacedBeforeItsAnnouncedLifetimeEnds() throws Exception {
    slack.connectionLifetime(2); // refreshed at 90%: after 1.8 s, with no disconnect envelope
    connect(BOT, APP);
    long t0 = System.nanoTime();
    await()
        .atMost(WAIT)
        .until(() -> slack.connectionsOpened() == 2 && slack.openConnections() == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
    slack.connectionLifetime(18060);
    String env = slack.directMessage("U1", "D1", "still here");
    await().atMost(WAIT).until(() -> slack.acked(env));
    assertThat(inbound).extracting(InboundMessage::text).containsExactly("still here");
  }
}
