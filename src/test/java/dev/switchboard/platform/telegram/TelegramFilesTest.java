package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.Call;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.platform.telegram.fake.Upload;
import dev.switchboard.testing.StubPlatformContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files both ways between the adapter and the fake Bot API: getFile and the file download,
 * and the multipart sends, with Telegram's limits and error answers.
 */
class TelegramFilesTest {
  private static final String TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefgh";
  private static final long ALICE = 1001;
  private static final long MB = 1024L * 1024;

  private final FakeTelegramServer telegram = FakeTelegramServer.start(TOKEN, "switchboard_bot");
  private final StubPlatformContext context = new StubPlatformContext();
  private final BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
  private final ChatRef alice = ChatRef.of("telegram", Long.toString(ALICE));
  private final TelegramAdapter adapter = adapter();

  @TempDir
  Path dir;

  private TelegramAdapter adapter() {
    Map<ConfigKey<?>, Object> values = new HashMap<>();
    values.put(TelegramSettings.TOKEN, TOKEN);
    values.put(TelegramSettings.API_BASE_URL, telegram.baseUrl());
    values.put(TelegramSettings.POLL_TIMEOUT, Duration.ofSeconds(2));
    Config config = Config.defaults(ConfigSchema.of(TelegramSettings.keys())).with(values);
    return new TelegramAdapter(TelegramSettings.from(config));
  }

  @AfterEach
  void tearDown() throws Exception {
    adapter.disconnect();
    context.threads.forEach(Thread::interrupt);
    telegram.close();
  }

  // ---- limits ----

  @Test
  void telegramTakesFiftyMegabytesAndHandsOutTwentyWithCaptionsOf1024() {
    assertThat(adapter.fileLimits()).isEqualTo(new FileLimits(20 * MB, 50 * MB, 1024));
  }

  // ---- download ----

  @Test
  void aPhotoAUserSendsArrivesAndItsBytesAreFetchedThroughGetFile() throws Exception {
    adapter.connect(received::put, context);
    byte[] big = png(640, 480);
    String small = telegram.addFile("photos", "jpg", png(90, 67));
    String large = telegram.addFile("photos", "jpg", big);
    telegram.privateMedia(ALICE, """
        "photo": [
          {"file_id": "%s", "file_unique_id": "AQADs", "file_size": 120, "width": 90, "height": 67},
          {"file_id": "%s", "file_unique_id": "AQADl", "file_size": %d, "width": 640,
           "height": 480}],
        "caption": "what is this?"
        """.formatted(small, large, big.length));

    InboundMessage m = received.poll(10, TimeUnit.SECONDS);
    assertThat(m).isNotNull();
    assertThat(m.text()).isEqualTo("what is this?");
    Attachment photo = m.attachments().getFirst();
    assertThat(photo.ref()).isEqualTo(large);
    assertThat(photo.mimeType()).isEqualTo("image/jpeg");

    try (InputStream in = adapter.download(photo)) {
      assertThat(in.readAllBytes()).isEqualTo(big);
    }
    Call getFile = telegram.calls("getFile").getFirst();
    assertThat(getFile.params().path("file_id").asString()).isEqualTo(large);
    assertThat(telegram.downloads()).singleElement().asString().startsWith("photos/file_");
  }

  @Test
  void aFileWithoutCaptionArrivesWithEmptyText() throws Exception {
    adapter.connect(received::put, context);
    String id = telegram.addFile("voice", "oga", "OggS voice".getBytes(StandardCharsets.UTF_8));
    telegram.privateMedia(ALICE, """
        "voice": {"duration": 2, "mime_type": "audio/ogg", "file_id": "%s",
          "file_unique_id": "AgADv", "file_size": 10}
        """.formatted(id));

    InboundMessage m = received.poll(10, TimeUnit.SECONDS);
    assertThat(m).isNotNull();
    assertThat(m.text()).isEmpty();
    assertThat(m.attachments())
        .containsExactly(new Attachment(AttachmentKind.VOICE, "audio/ogg", 10, null, id));
    try (InputStream in = adapter.download(m.attachments().getFirst())) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("OggS voice");
    }
  }

  @Test
  void aFileOver20MegabytesIsRefusedWithoutAskingTelegram() {
    Attachment big = new Attachment(
        AttachmentKind.VIDEO, "video/mp4", 20 * MB + 1, "film.mp4", "BAACAgIAAxkBAAIB");

    assertThatThrownBy(() -> adapter.download(big))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.getMessage())
              .isEqualTo("the file is larger than the 20 MB Telegram lets bots download");
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
        });
    assertThat(telegram.calls("getFile")).isEmpty();
  }

  @Test
  void telegramsFileIsTooBigIsTheSameMessageWithoutTheToken() {
    String id = telegram.addFileTooBigToDownload("documents", "zip", 30 * MB);
    Attachment unknownSize =
        new Attachment(AttachmentKind.DOCUMENT, "application/zip", -1, "a.zip", id);

    assertThatThrownBy(() -> adapter.download(unknownSize))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.getMessage())
              .isEqualTo("the file is larger than the 20 MB Telegram lets bots download")
              .doesNotContain(TOKEN);
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
        });
    assertThat(telegram.calls("getFile"))
        .singleElement()
        .extracting(Call::httpStatus)
        .isEqualTo(400);
    assertThat(telegram.downloads()).isEmpty();
  }

  @Test
  void downloadFailuresNeverNameTheToken() {
    Attachment gone =
        new Attachment(AttachmentKind.DOCUMENT, "application/pdf", 10, "a.pdf", "no-such-id");
    assertThatThrownBy(() -> adapter.download(gone))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.getMessage()).contains("invalid file_id").doesNotContain(TOKEN);
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
        });

    String id = telegram.addFile("documents", "pdf", new byte[10]);
    Attachment file = new Attachment(AttachmentKind.DOCUMENT, "application/pdf", 10, "a.pdf", id);
    telegram.failNext("file", 1, 404, "Not Found", null);
    assertThatThrownBy(() -> adapter.download(file))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.getMessage()).contains("Not Found").doesNotContain(TOKEN);
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
        });
    telegram.failNext("file", 1, 502, "Bad Gateway", null);
    assertThatThrownBy(() -> adapter.download(file))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.getMessage()).doesNotContain(TOKEN);
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSIENT);
        });
    telegram.dropConnections("file", 2); // the JDK client retries a GET once by itself
    assertThatThrownBy(() -> adapter.download(file))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.getMessage()).doesNotContain(TOKEN);
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSIENT);
        });
  }

  @Test
  void aDownloadCutShortFailsInsteadOfEndingEarly() throws Exception {
    String id = telegram.addFile("documents", "bin", new byte[64 * 1024]);
    telegram.truncateDownloads(1);
    Attachment file = new Attachment(AttachmentKind.DOCUMENT, "application/pdf", -1, null, id);

    try (InputStream in = adapter.download(file)) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
    }
  }

  // ---- upload ----

  private Path file(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  private OutboundFile outbound(AttachmentKind kind, String type, Path path, String caption)
      throws IOException {
    return new OutboundFile(
        kind, type, path.getFileName().toString(), path, Files.size(path), caption);
  }

  private Call onlyCall(String method) {
    return telegram.awaitCalls(method, 1, Duration.ofSeconds(5)).getFirst();
  }

  @Test
  void anImageIsSentAsAPhotoWithItsCaptionAsPlainText() throws Exception {
    telegram.registerPrivateChat(ALICE);
    byte[] png = png(200, 100);
    Path chart = file("chart.png", png);

    MessageRef ref = adapter.sendFile(
        alice, outbound(AttachmentKind.IMAGE, "image/png", chart, "Sales <b>up</b> & away"));

    Call call = onlyCall("sendPhoto");
    assertThat(call.params().path("chat_id").asString()).isEqualTo("1001");
    assertThat(call.params().path("caption").asString()).isEqualTo("Sales <b>up</b> & away");
    assertThat(call.params().has("parse_mode")).isFalse();
    assertThat(call.params().has("message_thread_id")).isFalse();
    Upload upload = call.upload("photo");
    assertThat(upload.fileName()).isEqualTo("chart.png");
    assertThat(upload.contentType()).isEqualTo("image/png");
    assertThat(upload.content()).isEqualTo(png);
    BotMessage sent = telegram.messages(ALICE).getLast();
    assertThat(ref).isEqualTo(new MessageRef(alice, Integer.toString(sent.messageId())));
    assertThat(sent.mediaField()).isEqualTo("photo");
    assertThat(sent.text()).isEqualTo("Sales <b>up</b> & away");
  }

  @Test
  void eachKindGoesOutWithItsMethodAndField() throws Exception {
    telegram.registerPrivateChat(ALICE);
    record Case(AttachmentKind kind, String type, String name, String method, String field) {}
    for (Case c : new Case[] {
      new Case(AttachmentKind.VOICE, "audio/ogg", "reply.ogg", "sendVoice", "voice"),
      new Case(AttachmentKind.VOICE, "audio/mpeg", "reply.mp3", "sendAudio", "audio"),
      new Case(AttachmentKind.AUDIO, "audio/mpeg", "song.mp3", "sendAudio", "audio"),
      new Case(AttachmentKind.AUDIO, "audio/wav", "take.wav", "sendDocument", "document"),
      new Case(AttachmentKind.VIDEO, "video/mp4", "clip.mp4", "sendVideo", "video"),
      new Case(AttachmentKind.VIDEO, "video/webm", "clip.webm", "sendDocument", "document"),
      new Case(
          AttachmentKind.DOCUMENT, "application/pdf", "report.pdf", "sendDocument", "document"),
      new Case(AttachmentKind.IMAGE, "image/gif", "dance.gif", "sendDocument", "document"),
    }) {
      int before = telegram.calls(c.method()).size();
      byte[] content = ("bytes of " + c.name()).getBytes(StandardCharsets.UTF_8);

      MessageRef ref = adapter.sendFile(
          alice, outbound(c.kind(), c.type(), file(c.name(), content), "here: " + c.name()));

      Call call =
          telegram.awaitCalls(c.method(), before + 1, Duration.ofSeconds(5)).getLast();
      assertThat(call.httpStatus()).as(c.toString()).isEqualTo(200);
      Upload upload = call.upload(c.field());
      assertThat(upload.fileName()).isEqualTo(c.name());
      assertThat(upload.contentType()).isEqualTo(c.type());
      assertThat(upload.content()).isEqualTo(content);
      assertThat(call.params().path("caption").asString()).isEqualTo("here: " + c.name());
      BotMessage sent = telegram.messages(ALICE).getLast();
      assertThat(sent.mediaField()).as(c.toString()).isEqualTo(c.field());
      assertThat(ref.messageId()).isEqualTo(Integer.toString(sent.messageId()));
    }
  }

  @Test
  void aFileWithoutCaptionSendsNoCaptionAndAStickerIsShownAsAPhoto() throws Exception {
    telegram.registerPrivateChat(ALICE);

    adapter.sendFile(
        alice, outbound(AttachmentKind.STICKER, "image/png", file("s.png", png(64, 64)), ""));

    Call call = onlyCall("sendPhoto");
    assertThat(call.params().has("caption")).isFalse();
    assertThat(call.upload("photo").fileName()).isEqualTo("s.png");
  }

  @Test
  void inAForumTopicTheFileGoesToTheTopic() throws Exception {
    long forum = -1009876543210L;
    telegram.registerGroup(forum, "Forum");
    telegram.registerTopic(forum, 42, "Ideas");
    ChatRef topic = new ChatRef("telegram", Long.toString(forum), "42");

    adapter.sendFile(
        topic,
        outbound(AttachmentKind.DOCUMENT, "text/plain", file("notes.txt", new byte[] {'x'}), ""));

    Call call = onlyCall("sendDocument");
    assertThat(call.params().path("message_thread_id").asString()).isEqualTo("42");
    assertThat(telegram.messages(forum).getLast().threadId()).isEqualTo(42);
  }

  @Test
  void aPictureTelegramWillNotShowAsAPhotoIsSentAsADocument() throws Exception {
    telegram.registerPrivateChat(ALICE);
    Path panorama = file("panorama.png", png(2100, 100)); // wider than 20 times its height

    adapter.sendFile(alice, outbound(AttachmentKind.IMAGE, "image/png", panorama, "wide"));

    assertThat(onlyCall("sendPhoto").httpStatus()).isEqualTo(400);
    Call document = onlyCall("sendDocument");
    assertThat(document.upload("document").fileName()).isEqualTo("panorama.png");
    assertThat(document.params().path("caption").asString()).isEqualTo("wide");
    assertThat(telegram.messages(ALICE))
        .singleElement()
        .extracting(BotMessage::mediaField)
        .isEqualTo("document");
  }

  @Test
  void anImageOver10MegabytesIsADocumentFromTheStart() throws Exception {
    telegram.registerPrivateChat(ALICE);
    Path photo = file("huge.jpg", png(10, 10));
    OutboundFile declared =
        new OutboundFile(AttachmentKind.IMAGE, "image/jpeg", "huge.jpg", photo, 11 * MB, "");

    assertThat(UploadMethod.of(declared)).isEqualTo(UploadMethod.DOCUMENT);
  }

  @Test
  void aFileOver50MegabytesIsRefusedWithoutUploading() throws Exception {
    Path f = file("big.bin", new byte[1]);
    OutboundFile big = new OutboundFile(
        AttachmentKind.DOCUMENT, "application/octet-stream", "big.bin", f, 50 * MB + 1, "");

    assertThatThrownBy(() -> adapter.sendFile(alice, big))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.getMessage())
              .isEqualTo("the file is larger than the 50 MB Telegram lets bots send");
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
        });
    assertThat(telegram.calls("sendDocument")).isEmpty();
  }

  @Test
  void uploadFailuresAreClassifiedAsSendsAre() throws Exception {
    telegram.registerPrivateChat(ALICE);
    OutboundFile pdf =
        outbound(AttachmentKind.DOCUMENT, "application/pdf", file("a.pdf", new byte[] {1, 2}), "");

    telegram.failNext("sendDocument", 1, 429, "Too Many Requests: retry after 7", 7);
    assertThatThrownBy(() -> adapter.sendFile(alice, pdf))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.RATE_LIMITED);
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        });
    telegram.failNext("sendDocument", 1, 413, "Request Entity Too Large", null);
    assertThatThrownBy(() -> adapter.sendFile(alice, pdf))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.getMessage())
              .isEqualTo("the file is larger than the 50 MB Telegram lets bots send");
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
        });
    telegram.failNext("sendDocument", 1, 400, "Bad Request: file is too big", null);
    assertThatThrownBy(() -> adapter.sendFile(alice, pdf))
        .isInstanceOfSatisfying(
            PlatformException.class,
            e -> assertThat(e.getMessage())
                .isEqualTo("the file is larger than the 50 MB Telegram lets bots send"));
    telegram.dropConnections("sendDocument", 1);
    assertThatThrownBy(() -> adapter.sendFile(alice, pdf))
        .isInstanceOfSatisfying(
            PlatformException.class,
            e -> assertThat(e.kind()).isEqualTo(PlatformException.Kind.UNKNOWN_OUTCOME));
    assertThatThrownBy(() -> adapter.sendFile(ChatRef.of("telegram", "777"), pdf))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
          assertThat(e.getMessage()).contains("chat not found").doesNotContain(TOKEN);
        });
    OutboundFile longCaption = pdf.withCaption("x".repeat(1025));
    assertThatThrownBy(() -> adapter.sendFile(alice, longCaption))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.REFUSED);
          assertThat(e.reason()).isEqualTo("Bad Request: message caption is too long");
          assertThat(e.getMessage()).contains("message caption is too long");
        });
    assertThat(telegram.messages(ALICE)).isEmpty();
  }

  @Test
  void aFileThatIsGoneIsAFatalFailureBeforeAnyCall() {
    OutboundFile missing = new OutboundFile(
        AttachmentKind.DOCUMENT, "text/plain", "gone.txt", dir.resolve("gone.txt"), 3, "");

    assertThatThrownBy(() -> adapter.sendFile(alice, missing))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
          assertThat(e.getMessage()).contains("gone.txt");
        });
    assertThat(telegram.calls("sendDocument")).isEmpty();
  }

  @Test
  void aFileNameWithQuotesAndLineBreaksCannotBreakTheForm() throws Exception {
    telegram.registerPrivateChat(ALICE);
    Path f = file("plain.txt", "hi".getBytes(StandardCharsets.UTF_8));
    OutboundFile odd = new OutboundFile(
        AttachmentKind.DOCUMENT, "text/plain\r\nX-Evil: 1", "a\"b\r\nc ü.txt", f, 2, "");

    adapter.sendFile(alice, odd);

    Upload upload = onlyCall("sendDocument").upload("document");
    assertThat(upload.fileName()).isEqualTo("a%22b%0D%0Ac ü.txt");
    assertThat(upload.contentType()).isEqualTo("application/octet-stream");
    assertThat(upload.content()).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] png(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
