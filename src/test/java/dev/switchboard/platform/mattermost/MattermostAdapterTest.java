package dev.switchboard.platform.mattermost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.mattermost.fake.FakeMattermostServer;
import dev.switchboard.testing.StubPlatformContext;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Mattermost adapter against the fake Mattermost server on loopback. */
class MattermostAdapterTest {
  private static final String TOKEN = "adaptertoken00000000000001";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String BOB = "bob00000000000000000000000";
  private static final String DM = "dmbob000000000000000000000";
  private static final String TOWN = "town0000000000000000000000";

  @TempDir
  Path dir;

  private FakeMattermostServer mattermost;
  private MattermostAdapter adapter;
  private final StubPlatformContext context = new StubPlatformContext();
  private final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch holdInbound = new CountDownLatch(0);

  @BeforeEach
  void setUp() throws Exception {
    mattermost = new FakeMattermostServer(TOKEN);
  }

  @AfterEach
  void tearDown() throws Exception {
    holdInbound.countDown();
    if (adapter != null) {
      adapter.disconnect();
      adapter.close();
    }
    mattermost.close();
  }

  private MattermostAdapter adapter(String token) {
    return new MattermostAdapter(
        new MattermostSettings(
            token, URI.create(mattermost.url()), Set.of(), Duration.ofSeconds(1)),
        Clock.systemUTC());
  }

  private void connect() throws Exception {
    connectWithoutWaiting();
    await().atMost(WAIT).until(mattermost::connected);
  }

  private void connectWithoutWaiting() throws Exception {
    adapter = adapter(TOKEN);
    adapter.connect(
        m -> {
          holdInbound.await();
          inbound.add(m);
        },
        context);
  }

  private long taken(String text) {
    return inbound.stream().filter(m -> m.text().equals(text)).count();
  }

  @Test
  void directMessagesAndMentionsArriveAndTheBotsOwnPostsDoNot() throws Exception {
    connect();
    mattermost.directMessage(BOB, "bob", DM, "hello there");
    String mention = mattermost.channelPost(BOB, "bob", TOWN, "@switchboard what is up?", "", true);
    mattermost.channelPost(BOB, "bob", TOWN, "just chatting", "", false);
    await().atMost(WAIT).until(() -> inbound.size() == 2);
    assertThat(inbound.getFirst().chat()).isEqualTo(new ChatRef("mattermost", DM, null));
    assertThat(inbound.getFirst().sender().displayName()).isEqualTo("bob");
    InboundMessage m = inbound.get(1);
    assertThat(m.text()).isEqualTo("what is up?");
    assertThat(m.chat().threadId()).isEqualTo(mention);

    // The server sends the bot its own post as an event too: it is not taken.
    adapter.send(m.chat(), "an answer");
    mattermost.directMessage(BOB, "bob", DM, "after the answer");
    await().atMost(WAIT).until(() -> taken("after the answer") == 1);
    assertThat(inbound).hasSize(3);
  }

  @Test
  void sendsPatchesAndTypingGoToTheirRoutesInTheThread() throws Exception {
    connect();
    String root = mattermost.channelPost(BOB, "bob", TOWN, "@switchboard a question", "", true);
    ChatRef thread = new ChatRef("mattermost", TOWN, root);
    MessageRef sent = adapter.send(thread, "first words");
    adapter.edit(sent, "first words, and more");
    adapter.typing(thread);
    FakeMattermostServer.Posted posted = mattermost.posts(TOWN).getFirst();
    assertThat(posted.id()).isEqualTo(sent.messageId());
    assertThat(posted.rootId()).isEqualTo(root);
    assertThat(posted.message()).isEqualTo("first words, and more");
    assertThat(posted.edits()).isEqualTo(1);
    assertThat(mattermost.typingCalls()).isEqualTo(1);
  }

  @Test
  void aPostIsNotCountedUntilTakenAndADroppedConnectionResumesWithNothingLostOrRepeated()
      throws Exception {
    connect();
    holdInbound = new CountDownLatch(1);
    String before = context.loadCursor(MattermostAdapter.CURSOR).orElseThrow();
    mattermost.directMessage(BOB, "bob", DM, "held until taken");
    await()
        .during(Duration.ofMillis(300))
        .atMost(WAIT)
        .until(() -> context.loadCursor(MattermostAdapter.CURSOR).orElseThrow().equals(before));
    holdInbound.countDown();
    await()
        .atMost(WAIT)
        .until(() -> !context.loadCursor(MattermostAdapter.CURSOR).orElseThrow().equals(before));
    assertThat(taken("held until taken")).isEqualTo(1);

    mattermost.dropConnection();
    mattermost.directMessage(BOB, "bob", DM, "written during the outage");
    await()
        .atMost(WAIT)
        .until(() -> mattermost.resumes() == 1 && taken("written during the outage") == 1);
    await()
        .during(Duration.ofMillis(500))
        .atMost(WAIT)
        .until(() -> taken("written during the outage") == 1 && taken("held until taken") == 1);
  }

  @Test
  void aNewProcessResumesTheSavedConnectionAndGetsWhatWasPostedInBetween() throws Exception {
    connect();
    mattermost.directMessage(BOB, "bob", DM, "to the first process");
    await().atMost(WAIT).until(() -> taken("to the first process") == 1);
    adapter.disconnect();
    adapter.close();
    await().atMost(WAIT).until(() -> !mattermost.connected());
    mattermost.directMessage(BOB, "bob", DM, "between the processes");

    connect(); // the same context: the saved position
    await().atMost(WAIT).until(() -> taken("between the processes") == 1);
    assertThat(mattermost.resumes()).isEqualTo(1);
    assertThat(taken("to the first process")).isEqualTo(1);
  }

  @Test
  void whenTheServerForgotTheConnectionThePostsMadeMeanwhileAreFetchedOverRest() throws Exception {
    connect();
    mattermost.directMessage(BOB, "bob", DM, "to the first process");
    await().atMost(WAIT).until(() -> taken("to the first process") == 1);
    adapter.disconnect();
    adapter.close();
    await().atMost(WAIT).until(() -> !mattermost.connected());
    mattermost.directMessage(BOB, "bob", DM, "while the server forgot us");
    mattermost.channelPost(BOB, "bob", TOWN, "@switchboard in a channel meanwhile", "", true);
    mattermost.channelPost(BOB, "bob", TOWN, "not for the bot", "", false);
    mattermost.forgetConnections();

    connect();
    await()
        .atMost(WAIT)
        .until(
            () -> taken("while the server forgot us") == 1 && taken("in a channel meanwhile") == 1);
    assertThat(mattermost.resumes()).isZero();
    assertThat(taken("not for the bot")).isZero();
    assertThat(mattermost.restCalls("GET /api/v4/channels/")).isPositive();
    // The post from before is in the fetched window too; the journal drops it by its id.
    assertThat(inbound.stream().map(InboundMessage::messageId).distinct()).hasSize(3);
  }

  @Test
  void aFetchOfTheMissedPostsThatFailsIsMadeAgainOnTheNextConnection() throws Exception {
    connect();
    mattermost.directMessage(BOB, "bob", DM, "to the first process");
    await().atMost(WAIT).until(() -> taken("to the first process") == 1);
    String before = context.loadCursor(MattermostAdapter.CURSOR).orElseThrow();
    adapter.disconnect();
    adapter.close();
    await().atMost(WAIT).until(() -> !mattermost.connected());
    mattermost.directMessage(BOB, "bob", DM, "while the server forgot us");
    mattermost.forgetConnections();
    mattermost.failChannelList(true);

    connectWithoutWaiting();
    await().atMost(WAIT).until(() -> mattermost.restCalls("GET /api/v4/users/me/channels") >= 1);
    // Not fetched: the old position stays, so the next connection is told again and fetches.
    assertThat(context.loadCursor(MattermostAdapter.CURSOR)).contains(before);
    mattermost.failChannelList(false);
    await().atMost(Duration.ofSeconds(30)).until(() -> taken("while the server forgot us") == 1);
  }

  @Test
  void aRateLimitedCallIsWaitedOutAndRetried() throws Exception {
    connect();
    mattermost.rateLimitNext(1);
    adapter.send(new ChatRef("mattermost", DM, null), "after the wait");
    assertThat(mattermost.posts(DM))
        .extracting(FakeMattermostServer.Posted::message)
        .containsExactly("after the wait");
  }

  @Test
  void aPostTheServerRefusesIsARefusalWithMattermostsReason() throws Exception {
    connect();
    mattermost.maxPostSize(4000);
    assertThatThrownBy(() -> adapter.send(new ChatRef("mattermost", DM, null), "x".repeat(4001)))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.REFUSED);
          assertThat(e.getMessage())
              .contains("POST /posts: HTTP 400 model.post.is_valid.message_length.app_error");
        });
  }

  @Test
  void aRepeatedSendWithTheSameKeyGetsTheFirstPostBackInsteadOfASecond() throws Exception {
    connect();
    ChatRef dm = new ChatRef("mattermost", DM, null);
    MessageRef first = adapter.send(dm, "only once", "outbox-key-1");
    MessageRef again = adapter.send(dm, "only once", "outbox-key-1");
    MessageRef other = adapter.send(dm, "only once", "outbox-key-2");
    assertThat(again.messageId()).isEqualTo(first.messageId());
    assertThat(other.messageId()).isNotEqualTo(first.messageId());
    assertThat(mattermost.posts(DM)).hasSize(2);
    assertThat(mattermost.postBodies().getFirst().path("pending_post_id").asString())
        .startsWith(FakeMattermostServer.BOT_ID + ":");
  }

  @Test
  void repliesAreSplitToTheServersOwnPostSize() throws Exception {
    mattermost.maxPostSize(4000);
    connect();
    assertThat(adapter.limits().maxMessageLength()).isEqualTo(4000);
    assertThat(adapter.render("word ".repeat(2000)))
        .hasSizeGreaterThan(2)
        .allSatisfy(m -> assertThat(m.codePointCount(0, m.length())).isLessThanOrEqualTo(4000));
  }

  @Test
  void aRefusedTokenFailsTheConnectWithoutShowingIt() {
    adapter = adapter("wrongtoken0000000000000001");
    assertThatThrownBy(() -> adapter.connect(inbound::add, context))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
          assertThat(e.getMessage())
              .contains("GET /users/me: HTTP 401")
              .doesNotContain("wrongtoken");
        });
    assertThat(mattermost.connectionsOpened()).isZero();
  }

  @Test
  void filesArriveByIdAreFetchedWithTheTokenAndGoOutAsAPostNamingThem() throws Exception {
    connect();
    byte[] png = "not really a png".getBytes(StandardCharsets.UTF_8);
    mattermost.directMessageWithFiles(
        BOB, "bob", DM, "look", List.of(mattermost.hostedFile("cat.png", "image/png", png)));
    await().atMost(WAIT).until(() -> inbound.size() == 1);
    var attachment = inbound.getFirst().attachments().getFirst();
    assertThat(attachment.kind()).isEqualTo(AttachmentKind.IMAGE);
    assertThat(attachment.fileName()).isEqualTo("cat.png");
    try (InputStream in = adapter.download(attachment)) {
      assertThat(in.readAllBytes()).isEqualTo(png);
    }

    Path report = Files.writeString(dir.resolve("report.txt"), "the report");
    MessageRef sent = adapter.sendFile(
        new ChatRef("mattermost", DM, null),
        new OutboundFile(
            AttachmentKind.DOCUMENT, "text/plain", "report.txt", report, 10, "here it is"));
    FakeMattermostServer.Posted posted = mattermost.posts(DM).getLast();
    assertThat(posted.id()).isEqualTo(sent.messageId());
    assertThat(posted.message()).isEqualTo("here it is");
    assertThat(posted.fileIds()).hasSize(1);
    assertThat(new String(
            mattermost.uploadedBytes(posted.fileIds().getFirst()), StandardCharsets.UTF_8))
        .isEqualTo("the report");
  }

  @Test
  void aFileIdThatIsNoMattermostIdIsRefusedWithNoRequest() {
    adapter = adapter(TOKEN);
    var odd = new dev.switchboard.platform.Attachment(
        AttachmentKind.DOCUMENT, "text/plain", 1, "x", "../../users/me");
    assertThatThrownBy(() -> adapter.download(odd))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("not a Mattermost file id");
    assertThat(mattermost.restCalls("GET ")).isZero();
  }
}
