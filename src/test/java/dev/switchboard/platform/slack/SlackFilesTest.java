package dev.switchboard.platform.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.slack.fake.FakeSlackServer;
import dev.switchboard.testing.StubPlatformContext;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** Files both ways between the Slack adapter and the fake Slack: events, downloads, uploads. */
class SlackFilesTest {
  private static final String BOT = "xoxb-1111-2222-filesbot";
  private static final String APP = "xapp-1-A1-3333-filesapp";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final byte[] PNG =
      "\u0089PNG\r\n fake image".getBytes(StandardCharsets.ISO_8859_1);

  @TempDir
  Path dir;

  private FakeSlackServer slack;
  private SlackAdapter adapter;
  private final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    slack = new FakeSlackServer(BOT, APP);
    adapter = new SlackAdapter(
        new SlackSettings(
            BOT,
            APP,
            URI.create(slack.apiBase()),
            URI.create(slack.filesBase()),
            Duration.ofSeconds(1)),
        Clock.systemUTC());
    adapter.connect(inbound::add, new StubPlatformContext());
  }

  @AfterEach
  void tearDown() throws Exception {
    adapter.disconnect();
    slack.close();
  }

  private InboundMessage received(String envelope) {
    await().atMost(WAIT).until(() -> slack.acked(envelope));
    assertThat(inbound).hasSize(1);
    return inbound.getFirst();
  }

  /** The refusal's message, which must name no token. */
  private static PlatformException refused(ThrowingCallable call) {
    PlatformException[] caught = new PlatformException[1];
    assertThatThrownBy(call).isInstanceOfSatisfying(PlatformException.class, e -> {
      assertThat(e.getMessage()).doesNotContain(BOT).doesNotContain("xoxb-");
      caught[0] = e;
    });
    return caught[0];
  }

  private OutboundFile file(String name, String mime, byte[] bytes, String caption)
      throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return new OutboundFile(AttachmentKind.DOCUMENT, mime, name, p, bytes.length, caption);
  }

  @Test
  void eachKindOfFileArrivesAsItsAttachmentWithTypeSizeNameAndDownloadUrl() {
    ObjectNode photo = slack.hostedFile("shot.png", "image/png", PNG);
    ObjectNode song = slack.hostedFile("song.mp3", "audio/mpeg", new byte[30]);
    ObjectNode clip = slack.audioClip("video/mp4", new byte[40]);
    ObjectNode film = slack.hostedFile("film.mp4", "video/mp4", new byte[50]);
    ObjectNode pdf = slack.hostedFile("report 2.pdf", "application/pdf", new byte[60]);

    InboundMessage m = received(
        slack.directMessageWithFiles("U1", "D1", "what are these?", photo, song, clip, film, pdf));

    assertThat(m.text()).isEqualTo("what are these?");
    assertThat(m.chat()).isEqualTo(new ChatRef("slack", "D1", null));
    assertThat(m.attachments())
        .extracting(Attachment::kind, Attachment::mimeType, Attachment::size, Attachment::fileName)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                AttachmentKind.IMAGE, "image/png", (long) PNG.length, "shot.png"),
            org.assertj.core.groups.Tuple.tuple(
                AttachmentKind.AUDIO, "audio/mpeg", 30L, "song.mp3"),
            org.assertj.core.groups.Tuple.tuple(
                AttachmentKind.VOICE, "audio/mp4", 40L, "audio_message.mp4"),
            org.assertj.core.groups.Tuple.tuple(AttachmentKind.VIDEO, "video/mp4", 50L, "film.mp4"),
            org.assertj.core.groups.Tuple.tuple(
                AttachmentKind.DOCUMENT, "application/pdf", 60L, "report 2.pdf"));
    assertThat(m.attachments().getFirst().ref())
        .isEqualTo(photo.path("url_private_download").asString())
        .startsWith(slack.filesBase() + "/files-pri/");
  }

  @Test
  void aFileShareWithoutTextIsAMessageWithEmptyText() {
    InboundMessage m = received(
        slack.directMessageWithFiles("U1", "D1", "", slack.hostedFile("a.png", "image/png", PNG)));

    assertThat(m.text()).isEmpty();
    assertThat(m.attachments()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AttachmentKind.IMAGE);
      assertThat(a.describe()).isEqualTo("a.png");
    });
  }

  @Test
  void aMentionWithAFileIsAnsweredInItsThreadAndCarriesTheFile() {
    InboundMessage m = received(slack.mentionWithFiles(
        "U2",
        "C1",
        "read this",
        "1764300000.000001",
        slack.hostedFile("notes.txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8))));

    assertThat(m.text()).isEqualTo("read this");
    assertThat(m.chat().threadId()).isEqualTo("1764300000.000001");
    assertThat(m.attachments()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AttachmentKind.DOCUMENT);
      assertThat(a.mimeType()).isEqualTo("text/plain");
    });
  }

  @Test
  void aSharedFileIsDownloadedWithTheBotToken() throws Exception {
    InboundMessage m = received(
        slack.directMessageWithFiles("U1", "D1", "", slack.hostedFile("a.png", "image/png", PNG)));

    try (InputStream in = adapter.download(m.attachments().getFirst())) {
      assertThat(in.readAllBytes()).isEqualTo(PNG);
    }
    assertThat(slack.fileRequests()).isEqualTo(1);
  }

  @Test
  void withoutFilesReadTheSignInPageIsRefusedNamingTheScope() {
    slack.revokeScope("files:read");
    Attachment a =
        InboundFiles.attachment(slack.hostedFile("a.png", "image/png", PNG)).orElseThrow();

    PlatformException e = refused(() -> adapter.download(a));

    assertThat(e.fatal()).isTrue();
    assertThat(e.getMessage()).contains("sign-in page").contains("files:read");
    assertThat(slack.fileRequests()).isEqualTo(1);
  }

  @Test
  void aRedirectToTheSignInPageIsNotFollowedAndTheTokenStaysHome() {
    slack.revokeScope("files:read");
    slack.loginPageByRedirect();
    Attachment a =
        InboundFiles.attachment(slack.hostedFile("a.png", "image/png", PNG)).orElseThrow();

    PlatformException e = refused(() -> adapter.download(a));

    assertThat(e.getMessage()).contains("files:read");
    assertThat(slack.foreignRequests()).isZero();
  }

  @Test
  void aDeletedFileIsGoneFromSlack() {
    ObjectNode f = slack.hostedFile("a.png", "image/png", PNG);
    Attachment a = InboundFiles.attachment(f).orElseThrow();
    slack.deleteFile(f);

    assertThat(refused(() -> adapter.download(a)).getMessage())
        .isEqualTo("the file is gone from Slack");
  }

  @Test
  void aFileOffSlacksFileHostIsRefusedWithoutAnyRequest() {
    String port = slack.filesBase().substring(slack.filesBase().lastIndexOf(':') + 1);
    List<String> elsewhere = List.of(
        slack.foreignBase() + "/files-pri/T1-F1/download/a.png",
        "http://localhost:" + port + "/files-pri/T1-F1/download/a.png",
        "https://127.0.0.1:" + port + "/files-pri/T1-F1/download/a.png",
        "http://user@127.0.0.1:" + port + "/files-pri/T1-F1/download/a.png",
        "file:///etc/passwd",
        "not a url at all");
    for (String ref : elsewhere) {
      Attachment a = new Attachment(AttachmentKind.IMAGE, "image/png", 3, "a.png", ref);

      assertThat(refused(() -> adapter.download(a)).getMessage())
          .as(ref)
          .contains("not on Slack's file host")
          .doesNotContain("/files-pri/");
    }
    assertThat(slack.foreignRequests()).isZero();
    assertThat(slack.fileRequests()).isZero();
  }

  @Test
  void filesGoUpToAGigabyteAndCaptionsAsLongAsAMessage() {
    assertThat(adapter.fileLimits()).isEqualTo(FileLimits.megabytes(1024, 1024, 4000));
  }

  @Test
  void aFileIsSharedIntoTheChannelWithItsCaptionAsTheInitialComment() throws Exception {
    byte[] pdf = "%PDF-1.7 fake report".getBytes(StandardCharsets.US_ASCII);

    MessageRef ref = adapter.sendFile(
        new ChatRef("slack", "C1", null),
        file("report.pdf", "application/pdf", pdf, "the report <!channel> & more"));

    assertThat(slack.uploadRequests())
        .containsExactly("files.getUploadURLExternal", "files.completeUploadExternal");
    assertThat(slack.shared()).singleElement().satisfies(s -> {
      assertThat(s.bytes()).isEqualTo(pdf);
      assertThat(s.declaredLength()).isEqualTo(pdf.length);
      assertThat(s.filename()).isEqualTo("report.pdf");
      assertThat(s.title()).isEqualTo("report.pdf");
      assertThat(s.channel()).isEqualTo("C1");
      assertThat(s.threadTs()).isNull();
      assertThat(s.initialComment()).isEqualTo("the report &lt;!channel&gt; &amp; more");
      assertThat(ref).isEqualTo(new MessageRef(new ChatRef("slack", "C1", null), s.ts()));
    });
  }

  @Test
  void aFileIsSharedIntoTheThreadTheConversationIsIn() throws Exception {
    ChatRef thread = new ChatRef("slack", "C1", "1764300000.000100");

    MessageRef ref = adapter.sendFile(thread, file("chart.png", "image/png", PNG, ""));

    assertThat(slack.shared()).singleElement().satisfies(s -> {
      assertThat(s.threadTs()).isEqualTo("1764300000.000100");
      assertThat(s.initialComment()).isNull();
      assertThat(ref.messageId()).isEqualTo(s.ts());
    });
  }

  @Test
  void whenSlackSharesInTheBackgroundTheReferenceIsTheFileId() throws Exception {
    slack.shareInBackground();

    MessageRef ref =
        adapter.sendFile(new ChatRef("slack", "D1", null), file("a.png", "image/png", PNG, "x"));

    assertThat(ref.messageId()).isEqualTo(slack.shared().getFirst().fileId()).startsWith("F");
  }

  @Test
  void aFileTooLargeForSlackIsAClearFatalErrorAndNothingIsShared() throws Exception {
    OutboundFile big = file("big.bin", "application/octet-stream", new byte[64], "");
    slack.refuseNextUpload("file_too_large");

    PlatformException e = refused(() -> adapter.sendFile(new ChatRef("slack", "C1", null), big));

    assertThat(e.fatal()).isTrue();
    assertThat(e.getMessage()).contains("file_too_large").contains("too large");
    slack.refuseNextUpload("file_upload_size_restricted");
    assertThat(refused(() -> adapter.sendFile(new ChatRef("slack", "C1", null), big))
            .getMessage())
        .contains("file_upload_size_restricted")
        .contains("too large");
    assertThat(slack.shared()).isEmpty();
  }

  @Test
  void aMissingScopeOrAChannelWithoutTheBotIsFatalAndNamesSlacksError() throws Exception {
    OutboundFile f = file("a.png", "image/png", PNG, "");
    slack.removeBotFrom("C-OUT");

    PlatformException notIn =
        refused(() -> adapter.sendFile(new ChatRef("slack", "C-OUT", null), f));
    assertThat(notIn.fatal()).isTrue();
    assertThat(notIn.getMessage()).contains("not_in_channel").contains("invite");

    slack.revokeScope("files:write");
    PlatformException scope = refused(() -> adapter.sendFile(new ChatRef("slack", "C1", null), f));
    assertThat(scope.fatal()).isTrue();
    assertThat(scope.getMessage()).contains("missing_scope").contains("files:write");
    assertThat(slack.shared()).isEmpty();
  }

  @Test
  void aRateLimitedUploadIsWaitedOutAndGoesThrough() throws Exception {
    slack.rateLimitNext(1);

    adapter.sendFile(new ChatRef("slack", "C1", null), file("a.png", "image/png", PNG, "hi"));

    assertThat(slack.rateLimitedAnswers()).isEqualTo(1);
    assertThat(slack.shared())
        .singleElement()
        .satisfies(s -> assertThat(s.bytes()).isEqualTo(PNG));
  }

  @Test
  void aFileThatCannotBeReadIsRefusedBeforeSlackIsAsked() {
    OutboundFile gone = new OutboundFile(
        AttachmentKind.DOCUMENT, "text/plain", "gone.txt", dir.resolve("gone.txt"), 3, "");

    assertThat(refused(() -> adapter.sendFile(new ChatRef("slack", "C1", null), gone))
            .getMessage())
        .contains("cannot be read");
    assertThat(slack.uploadRequests()).isEmpty();
  }
}
