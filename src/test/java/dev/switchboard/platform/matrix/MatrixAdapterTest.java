package dev.switchboard.platform.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.matrix.fake.FakeMatrixServer;
import dev.switchboard.testing.StubPlatformContext;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Matrix adapter against the fake homeserver on loopback. */
class MatrixAdapterTest {
  private static final String TOKEN = "syt_adapter_token_0001";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String BOB = "@bob:example.org";
  private static final String ADA = "@ada:example.org";
  private static final String EVE = "@eve:example.org";

  @TempDir
  Path home;

  private FakeMatrixServer matrix;
  private MatrixAdapter adapter;
  private final StubPlatformContext context = new StubPlatformContext();
  private final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch holdInbound = new CountDownLatch(0);

  @BeforeEach
  void setUp() throws Exception {
    matrix = new FakeMatrixServer(TOKEN);
  }

  @AfterEach
  void tearDown() throws Exception {
    holdInbound.countDown();
    if (adapter != null) {
      adapter.disconnect();
      adapter.close();
    }
    matrix.close();
  }

  private MatrixSettings settings(@Nullable String token, @Nullable String password) {
    return new MatrixSettings(
        URI.create(matrix.url()),
        token,
        password == null ? null : FakeMatrixServer.BOT,
        password,
        Set.of(),
        Set.of(ADA),
        Duration.ofSeconds(1));
  }

  private void connect(MatrixSettings settings) throws Exception {
    adapter = new MatrixAdapter(settings, home, Clock.systemUTC());
    adapter.connect(
        m -> {
          holdInbound.await();
          inbound.add(m);
        },
        context);
    await().atMost(WAIT).until(() -> matrix.syncsInFlight() > 0);
  }

  private void connect() throws Exception {
    connect(settings(TOKEN, null));
  }

  private long taken(String text) {
    return inbound.stream().filter(m -> m.text().equals(text)).count();
  }

  @Test
  void historyIsNotAnsweredNewDirectMessagesAndMentionsAre() throws Exception {
    String dm = matrix.directRoom(BOB);
    matrix.text(dm, BOB, "written before the gateway ever ran");
    String room = matrix.groupRoom(BOB, ADA);
    connect();
    matrix.text(dm, BOB, "hello there");
    matrix.text(room, BOB, "just chatting");
    matrix.textMentioningBot(room, ADA, "switchboard: what is up?");
    await().atMost(WAIT).until(() -> inbound.size() == 2);
    assertThat(inbound.getFirst().text()).isEqualTo("hello there");
    assertThat(inbound.getFirst().group()).isFalse();
    assertThat(inbound.get(1).text()).isEqualTo("what is up?");
    assertThat(inbound.get(1).group()).isTrue();
    assertThat(taken("written before the gateway ever ran")).isZero();
    await().atMost(WAIT).until(() -> matrix.receipts(dm) >= 1);
  }

  @Test
  void sendsAreHtmlWithABodyEditsReplaceAndThreadsStay() throws Exception {
    String room = matrix.groupRoom(BOB, ADA);
    String root = matrix.textMentioningBot(room, ADA, "switchboard: a question");
    connect();
    ChatRef thread = new ChatRef("matrix", room, root);
    String html = adapter.render("**first** words").getFirst();
    MessageRef sent = adapter.send(thread, html);
    adapter.edit(sent, adapter.render("**first** words, and more").getFirst());
    adapter.typing(thread);
    List<FakeMatrixServer.Sent> all = matrix.sent(room);
    assertThat(all).hasSize(2);
    assertThat(all.getFirst().body()).isEqualTo("first words");
    assertThat(all.getFirst().content().path("formatted_body").asString())
        .isEqualTo("<strong>first</strong> words");
    assertThat(all.getFirst().threadRoot()).isEqualTo(root);
    assertThat(all.get(1).replacesEventId()).isEqualTo(sent.messageId());
    assertThat(matrix.shown(room, sent.messageId())).isEqualTo("first words, and more");
    assertThat(matrix.typingCalls()).isEqualTo(1);
  }

  @Test
  void aSendRepeatedWithTheSameKeyIsOneEvent() throws Exception {
    String dm = matrix.directRoom(BOB);
    connect();
    ChatRef chat = new ChatRef("matrix", dm, null);
    MessageRef first = adapter.send(chat, "once", "outbox-1");
    MessageRef again = adapter.send(chat, "once", "outbox-1");
    assertThat(again.messageId()).isEqualTo(first.messageId());
    assertThat(matrix.sent(dm)).hasSize(1);
  }

  @Test
  void theSyncPositionMovesOnlyOnceTheEventsAreTakenAndADroppedSyncLosesNothing() throws Exception {
    String dm = matrix.directRoom(BOB);
    connect();
    String before = context.loadCursor(MatrixAdapter.CURSOR).orElseThrow();
    holdInbound = new CountDownLatch(1);
    matrix.text(dm, BOB, "held until taken");
    await()
        .during(Duration.ofMillis(300))
        .atMost(WAIT)
        .until(() -> context.loadCursor(MatrixAdapter.CURSOR).orElseThrow().equals(before));
    holdInbound.countDown();
    await().atMost(WAIT).until(() -> taken("held until taken") == 1);
    await()
        .atMost(WAIT)
        .until(() -> !context.loadCursor(MatrixAdapter.CURSOR).orElseThrow().equals(before));

    await().atMost(WAIT).until(() -> matrix.syncsInFlight() > 0);
    matrix.dropSyncs();
    matrix.text(dm, BOB, "written while the sync was cut");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> taken("written while the sync was cut") == 1);
    assertThat(taken("held until taken")).isEqualTo(1);
  }

  @Test
  void aNewProcessGoesOnFromTheSavedPosition() throws Exception {
    String dm = matrix.directRoom(BOB);
    connect();
    matrix.text(dm, BOB, "to the first process");
    await().atMost(WAIT).until(() -> taken("to the first process") == 1);
    adapter.disconnect();
    adapter.close();
    matrix.text(dm, BOB, "between the processes");
    connect();
    await().atMost(WAIT).until(() -> taken("between the processes") == 1);
    assertThat(taken("to the first process")).isEqualTo(1);
  }

  @Test
  void invitesFromAllowedUsersAndToDirectChatsAreAcceptedOthersDeclined() throws Exception {
    connect();
    String fromAda = matrix.invite(ADA, false);
    String strangerDm = matrix.invite(EVE, true);
    String strangerRoom = matrix.invite(EVE, false);
    await()
        .atMost(WAIT)
        .until(
            () -> matrix.joined(fromAda) && matrix.joined(strangerDm) && matrix.left(strangerRoom));
    assertThat(matrix.joined(strangerRoom)).isFalse();
  }

  @Test
  void aRoomsHistoryFromBeforeTheBotJoinedIsNotAnswered() throws Exception {
    String room = matrix.invite(ADA, false);
    matrix.text(room, ADA, "switchboard: asked before the bot joined");
    connect();
    await().atMost(WAIT).until(() -> matrix.joined(room));
    matrix.textMentioningBot(room, ADA, "switchboard: asked after it joined");
    await().atMost(WAIT).until(() -> taken("asked after it joined") == 1);
    assertThat(taken("asked before the bot joined")).isZero();
  }

  @Test
  void anEncryptedRoomIsToldOnceThatItCannotBeRead() throws Exception {
    String dm = matrix.directRoom(BOB);
    matrix.encrypt(dm);
    connect();
    matrix.encrypted(dm, BOB);
    matrix.encrypted(dm, BOB);
    await().atMost(WAIT).until(() -> !matrix.sent(dm).isEmpty());
    await()
        .during(Duration.ofMillis(500))
        .atMost(WAIT)
        .until(() -> matrix.sent(dm).size() == 1);
    assertThat(matrix.sent(dm).getFirst().msgtype()).isEqualTo("m.notice");
    assertThat(matrix.sent(dm).getFirst().body()).contains("end-to-end encrypted");
    assertThat(context.loadCursor(MatrixAdapter.TOLD_ENCRYPTED)).contains(dm);
    assertThat(inbound).isEmpty();
  }

  @Test
  void aRateLimitedCallIsWaitedOutAndRetried() throws Exception {
    String dm = matrix.directRoom(BOB);
    connect();
    matrix.rateLimitNext(1);
    adapter.send(new ChatRef("matrix", dm, null), "after the wait");
    assertThat(matrix.sent(dm))
        .extracting(FakeMatrixServer.Sent::body)
        .containsExactly("after the wait");
    assertThat(matrix.rateLimitedAnswers()).isEqualTo(1);
  }

  @Test
  void aRefusedTokenFailsTheConnectWithoutShowingIt() {
    adapter = new MatrixAdapter(settings("syt_wrong_token_0001", null), home, Clock.systemUTC());
    assertThatThrownBy(() -> adapter.connect(inbound::add, context))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
          assertThat(e.getMessage()).contains("M_UNKNOWN_TOKEN").doesNotContain("syt_wrong");
        });
    assertThat(matrix.syncs()).isZero();
  }

  @Test
  void aPasswordLoginIsMadeOnceAndItsTokenKeptOwnerOnly() throws Exception {
    matrix.password(FakeMatrixServer.BOT, "correct-horse", TOKEN);
    String dm = matrix.directRoom(BOB);
    connect(settings(null, "correct-horse"));
    adapter.disconnect();
    adapter.close();
    Path kept = home.resolve(MatrixSession.FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(kept)).contains(TOKEN).doesNotContain("correct-horse");
    connect(settings(null, "correct-horse"));
    matrix.text(dm, BOB, "after the second start");
    await().atMost(WAIT).until(() -> taken("after the second start") == 1);
    assertThat(matrix.logins()).isEqualTo(1);
  }

  @Test
  void filesArriveByMxcAreFetchedWithTheTokenAndGoOutAsAnUploadAndAMessage() throws Exception {
    String dm = matrix.directRoom(BOB);
    connect();
    byte[] png = "not really a png".getBytes(StandardCharsets.UTF_8);
    matrix.image(dm, BOB, "cat.png", "image/png", png);
    await().atMost(WAIT).until(() -> inbound.size() == 1);
    var attachment = inbound.getFirst().attachments().getFirst();
    assertThat(attachment.kind()).isEqualTo(AttachmentKind.IMAGE);
    assertThat(attachment.ref()).startsWith("mxc://example.org/");
    try (InputStream in = adapter.download(attachment)) {
      assertThat(in.readAllBytes()).isEqualTo(png);
    }

    Path report = Files.writeString(home.resolve("report.txt"), "the report");
    adapter.sendFile(
        new ChatRef("matrix", dm, null),
        new OutboundFile(
            AttachmentKind.DOCUMENT, "text/plain", "report.txt", report, 10, "here it is"));
    FakeMatrixServer.Sent sent = matrix.sent(dm).getLast();
    assertThat(sent.msgtype()).isEqualTo("m.file");
    assertThat(sent.body()).isEqualTo("here it is");
    assertThat(sent.content().path("filename").asString()).isEqualTo("report.txt");
    String uri = sent.content().path("url").asString();
    assertThat(new String(matrix.uploaded(uri), StandardCharsets.UTF_8)).isEqualTo("the report");
  }

  @Test
  void aMediaReferenceThatIsNoMxcUriIsRefusedWithNoRequest() {
    adapter = new MatrixAdapter(settings(TOKEN, null), home, Clock.systemUTC());
    var odd = new dev.switchboard.platform.Attachment(
        AttachmentKind.DOCUMENT, "text/plain", 1, "x", "https://evil.example/steal");
    assertThatThrownBy(() -> adapter.download(odd))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("not an mxc:// media URI");
    assertThat(matrix.requests("GET ")).isZero();
  }
}
