package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.discord.fake.FakeDiscordServer;
import dev.switchboard.platform.discord.fake.FakeDiscordServer.ReceivedPart;
import dev.switchboard.platform.discord.fake.FakeDiscordServer.StoredFile;
import dev.switchboard.testing.StubPlatformContext;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Files both ways against the fake Discord: attachments in MESSAGE_CREATE, downloads from its
 * CDN, and uploads as multipart message creation, with Discord's refusals and rate limits.
 */
class DiscordAttachmentsTest {
  private static final String TOKEN = "MTA5.fake-files-token.abc";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2};

  @TempDir
  Path dir;

  private FakeDiscordServer discord;
  private DiscordAdapter adapter;
  private final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
  private final ChatRef dm = ChatRef.of("discord", "dm-1");

  @BeforeEach
  void setUp() throws Exception {
    discord = new FakeDiscordServer(TOKEN);
    discord.heartbeatInterval(200);
    adapter = new DiscordAdapter(
        new DiscordSettings(
            TOKEN, discord.apiBase(), discord.cdnBase(), Set.of(), Duration.ofSeconds(1)),
        "test",
        Clock.systemUTC());
  }

  @AfterEach
  void tearDown() throws Exception {
    adapter.disconnect();
    discord.close();
  }

  private void connect() throws Exception {
    adapter.connect(inbound::add, new StubPlatformContext());
  }

  private ObjectNode withAttachments(ObjectNode... attachments) {
    ObjectNode fields = JSON.createObjectNode();
    fields.putArray("attachments").addAll(List.of(attachments));
    return fields;
  }

  private InboundMessage only() {
    await().atMost(WAIT).until(() -> !inbound.isEmpty());
    assertThat(inbound).hasSize(1);
    return inbound.getFirst();
  }

  @Test
  void eachKindOfFileArrivesWithItsTypeSizeNameAndCdnUrl() throws Exception {
    connect();
    ObjectNode image = discord.attachment("dm-1", "cat.png", "image/png", PNG);
    ObjectNode audio = discord.attachment("dm-1", "song.mp3", "audio/mpeg", new byte[3]);
    ObjectNode video = discord.attachment("dm-1", "clip.mp4", "video/mp4", new byte[4]);
    ObjectNode pdf = discord.attachment("dm-1", "report.pdf", "application/pdf", new byte[5]);
    ObjectNode untyped = discord.attachment("dm-1", "notes.md", null, new byte[6]);
    ObjectNode unknown = discord.attachment("dm-1", "blob", null, new byte[7]);

    discord.messageCreate(
        "dm-1",
        null,
        "u1",
        "ada",
        "look",
        withAttachments(image, audio, video, pdf, untyped, unknown));

    InboundMessage m = only();
    assertThat(m.text()).isEqualTo("look");
    assertThat(m.attachments())
        .extracting(Attachment::kind, Attachment::mimeType, Attachment::size, Attachment::fileName)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(AttachmentKind.IMAGE, "image/png", 10L, "cat.png"),
            org.assertj.core.groups.Tuple.tuple(AttachmentKind.AUDIO, "audio/mpeg", 3L, "song.mp3"),
            org.assertj.core.groups.Tuple.tuple(AttachmentKind.VIDEO, "video/mp4", 4L, "clip.mp4"),
            org.assertj.core.groups.Tuple.tuple(
                AttachmentKind.DOCUMENT, "application/pdf", 5L, "report.pdf"),
            org.assertj.core.groups.Tuple.tuple(
                AttachmentKind.DOCUMENT, "text/markdown", 6L, "notes.md"),
            org.assertj.core.groups.Tuple.tuple(
                AttachmentKind.DOCUMENT, Attachment.UNKNOWN_TYPE, 7L, "blob"));
    assertThat(m.attachments().getFirst().ref()).isEqualTo(image.path("url").asString());
    assertThat(m.attachments().getFirst().ref()).startsWith(discord.cdnBase() + "/attachments/");
  }

  @Test
  void aVoiceMessageIsAVoiceNoteAndAPlainAudioFileIsNot() throws Exception {
    connect();
    ObjectNode voice = discord.voiceMessageAttachment("dm-1", new byte[] {'O', 'g', 'g', 'S'});
    ObjectNode fields = withAttachments(voice).put("flags", InboundAttachments.IS_VOICE_MESSAGE);

    discord.messageCreate("dm-1", null, "u1", "ada", "", fields);

    InboundMessage m = only();
    assertThat(m.text()).isEmpty();
    assertThat(m.attachments()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AttachmentKind.VOICE);
      assertThat(a.mimeType()).isEqualTo("audio/ogg");
      assertThat(a.fileName()).isEqualTo("voice-message.ogg");
    });
  }

  @Test
  void aFileWithoutWordsIsStillAMessageAndAMentionAloneWithAFileToo() throws Exception {
    connect();
    String bot = Long.toString(FakeDiscordServer.BOT_ID);
    discord.messageCreate(
        "dm-1",
        null,
        "u1",
        "ada",
        "",
        withAttachments(discord.attachment("dm-1", "a.png", "image/png", PNG)));
    discord.messageCreate(
        "c-guild",
        "g1",
        "u1",
        "ada",
        "<@" + bot + ">",
        withAttachments(discord.attachment("c-guild", "b.png", "image/png", PNG)));
    discord.messageCreate("dm-1", null, "u1", "ada", "", JSON.createObjectNode());

    await().atMost(WAIT).until(() -> inbound.size() >= 2);
    assertThat(inbound)
        .extracting(InboundMessage::text)
        .containsExactly("", ""); // the empty message with nothing attached is not one
    assertThat(inbound)
        .flatExtracting(InboundMessage::attachments)
        .extracting(Attachment::fileName)
        .containsExactly("a.png", "b.png");
  }

  @Test
  void aStickerIsALineNamingIt() throws Exception {
    connect();
    ObjectNode fields = JSON.createObjectNode();
    fields
        .putArray("sticker_items")
        .addObject()
        .put("id", "749054660769218631")
        .put("name", "Wave")
        .put("format_type", 1);

    discord.messageCreate("dm-1", null, "u1", "ada", "", fields);

    assertThat(only().text()).isEqualTo("[sticker: Wave]");
  }

  @Test
  void aFileIsFetchedFromTheCdnWithoutTheBotToken() throws Exception {
    Attachment a = attachment(discord.attachment("dm-1", "cat.png", "image/png", PNG));

    try (InputStream in = adapter.download(a)) {
      assertThat(in.readAllBytes()).isEqualTo(PNG);
    }
    assertThat(discord.cdnRequests()).isEqualTo(1);
    assertThat(discord.cdnAuthorizations()).isEmpty();
  }

  @Test
  void anExpiredLinkAsksTheUserToSendTheFileAgain() throws Exception {
    ObjectNode described = discord.attachment("dm-1", "cat.png", "image/png", PNG);
    discord.expire(described.path("url").asString());

    assertThatThrownBy(() -> adapter.download(attachment(described)))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.getMessage())
              .isEqualTo("the file's link on Discord has expired; please send it again")
              .doesNotContain(TOKEN);
          assertThat(e.fatal()).isTrue();
        });
    assertThat(discord.cdnRequests()).isEqualTo(1);
  }

  @Test
  void aLinkToAnotherHostIsRefusedWithoutARequest() throws Exception {
    try (FakeDiscordServer elsewhere = new FakeDiscordServer(TOKEN)) {
      ObjectNode foreign = elsewhere.attachment("dm-1", "cat.png", "image/png", PNG);

      assertThatThrownBy(() -> adapter.download(attachment(foreign)))
          .isInstanceOfSatisfying(PlatformException.class, e -> {
            assertThat(e.getMessage())
                .isEqualTo("its link does not point to Discord's file servers");
            assertThat(e.fatal()).isTrue();
          });
      assertThat(elsewhere.cdnRequests()).isZero();
    }
  }

  @Test
  void aFileGoesOutAsPayloadJsonAndFiles0WithItsCaption() throws Exception {
    Path file = Files.write(dir.resolve("chart.png"), PNG);

    MessageRef sent = adapter.sendFile(
        dm,
        new OutboundFile(
            AttachmentKind.IMAGE, "image/png", "chart.png", file, PNG.length, "Q3 @everyone"));

    List<ReceivedPart> parts = discord.uploads().getLast();
    assertThat(parts).extracting(ReceivedPart::name).containsExactly("payload_json", "files[0]");
    assertThat(parts.getFirst().contentType()).isEqualTo("application/json");
    JsonNode payload = JSON.readTree(new String(parts.getFirst().bytes(), StandardCharsets.UTF_8));
    assertThat(payload.path("content").asString()).isEqualTo("Q3 @everyone");
    assertThat(payload.path("attachments")).hasSize(1);
    assertThat(payload.path("attachments").path(0).path("id").asInt(-1)).isZero();
    assertThat(payload.path("attachments").path(0).path("filename").asString())
        .isEqualTo("chart.png");
    assertThat(payload.path("allowed_mentions").path("parse")).isEmpty();
    ReceivedPart filePart = parts.get(1);
    assertThat(filePart.filename()).isEqualTo("chart.png");
    assertThat(filePart.contentType()).isEqualTo("image/png");
    assertThat(filePart.bytes()).isEqualTo(PNG);

    assertThat(discord.sent("dm-1")).singleElement().satisfies(m -> {
      assertThat(m.id()).isEqualTo(sent.messageId());
      assertThat(m.content()).isEqualTo("Q3 @everyone");
      assertThat(m.files()).extracting(StoredFile::filename).containsExactly("chart.png");
    });
    assertThat(sent.chat()).isEqualTo(dm);
  }

  @Test
  void aFileWithoutCaptionHasNoContentAndAnOddNameKeepsItsExactSpellingInThePayload()
      throws Exception {
    Path file = Files.writeString(dir.resolve("r.txt"), "résumé text");
    String name = "my \"best\" résumé.txt";

    adapter.sendFile(
        dm,
        new OutboundFile(AttachmentKind.DOCUMENT, "text/plain; charset=utf-8", name, file, 12, ""));

    List<ReceivedPart> parts = discord.uploads().getLast();
    JsonNode payload = JSON.readTree(new String(parts.getFirst().bytes(), StandardCharsets.UTF_8));
    assertThat(payload.has("content")).isFalse();
    assertThat(payload.path("attachments").path(0).path("filename").asString()).isEqualTo(name);
    assertThat(parts.get(1).filename()).isEqualTo("my _best_ résumé.txt");
    assertThat(parts.get(1).contentType()).isEqualTo("text/plain");
    assertThat(new String(parts.get(1).bytes(), StandardCharsets.UTF_8)).isEqualTo("résumé text");
    assertThat(discord.sent("dm-1").getFirst().files())
        .extracting(StoredFile::filename)
        .containsExactly(name);
  }

  @Test
  void aFileDiscordFindsTooLargeIsRefusedWithAClearWord() throws Exception {
    discord.uploadLimit(8);
    Path file = Files.write(dir.resolve("big.png"), PNG);

    assertThatThrownBy(() -> adapter.sendFile(
            dm,
            new OutboundFile(AttachmentKind.IMAGE, "image/png", "big.png", file, PNG.length, "")))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.fatal()).isTrue();
          assertThat(e.getMessage())
              .startsWith("Discord refused big.png as too large")
              .contains("20.0 MB")
              .doesNotContain(TOKEN);
          assertThat(e.getCause())
              .hasMessageContaining("HTTP 413 (40005 Request entity too large)");
        });
    assertThat(discord.sent("dm-1")).isEmpty();
  }

  @Test
  void anUploadWaitsOutA429AndThenGoesThrough() throws Exception {
    Path file = Files.write(dir.resolve("cat.png"), PNG);
    discord.globalRateLimit(1, 0.3);
    long t0 = System.nanoTime();

    MessageRef sent = adapter.sendFile(
        dm, new OutboundFile(AttachmentKind.IMAGE, "image/png", "cat.png", file, PNG.length, ""));

    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(discord.rateLimitedAnswers()).isEqualTo(1);
    assertThat(discord.sent("dm-1"))
        .singleElement()
        .satisfies(m -> assertThat(m.id()).isEqualTo(sent.messageId()));
  }

  @Test
  void anUploadTakesItsTurnInTheChannelsMessageBucket() throws Exception {
    discord.messageBucket(1, 400);
    Path file = Files.write(dir.resolve("cat.png"), PNG);
    adapter.send(dm, "first"); // teaches the adapter the bucket: one per 400 ms

    adapter.sendFile(
        dm, new OutboundFile(AttachmentKind.IMAGE, "image/png", "cat.png", file, PNG.length, ""));

    List<FakeDiscordServer.SentMessage> sent = discord.sent("dm-1");
    assertThat(sent).hasSize(2);
    assertThat(discord.rateLimitedAnswers()).isZero();
    assertThat(Duration.ofNanos(sent.get(1).sentAtNanos() - sent.get(0).sentAtNanos()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void aFormErrorIsARefusalWithDiscordsReason() throws Exception {
    Path file = Files.write(dir.resolve("cat.png"), PNG);

    assertThatThrownBy(() -> adapter.sendFile(
            dm,
            new OutboundFile(
                AttachmentKind.IMAGE, "image/png", "cat.png", file, PNG.length, "x".repeat(2001))))
        .isInstanceOfSatisfying(PlatformException.class, e -> {
          assertThat(e.kind()).isEqualTo(PlatformException.Kind.REFUSED);
          assertThat(e.reason())
              .isEqualTo("Invalid Form Body: content: Must be 2000 or fewer in length.");
          assertThat(e.getMessage())
              .contains("HTTP 400 (50035 Invalid Form Body) content: Must be 2000 or fewer")
              .doesNotContain(TOKEN);
        });
  }

  @Test
  void aSentFileCanBeFetchedBackFromTheLinkDiscordGives() throws Exception {
    Path file = Files.write(dir.resolve("cat.png"), PNG);
    adapter.sendFile(
        dm, new OutboundFile(AttachmentKind.IMAGE, "image/png", "cat.png", file, PNG.length, ""));
    StoredFile stored = discord.sent("dm-1").getFirst().files().getFirst();

    try (InputStream in = adapter.download(
        new Attachment(AttachmentKind.IMAGE, "image/png", PNG.length, "cat.png", stored.url()))) {
      assertThat(in.readAllBytes()).isEqualTo(PNG);
    }
  }

  @Test
  void theLimitsAreDiscordsDefaults() {
    assertThat(adapter.fileLimits().maxUploadBytes()).isEqualTo(20L * 1024 * 1024);
    assertThat(adapter.fileLimits().maxCaptionLength()).isEqualTo(2000);
    assertThat(adapter.fileLimits().maxDownloadBytes()).isGreaterThan(20L * 1024 * 1024);
  }

  private static Attachment attachment(JsonNode described) {
    return new Attachment(
        AttachmentKind.IMAGE,
        described.path("content_type").asString(Attachment.UNKNOWN_TYPE),
        described.path("size").asLong(),
        described.path("filename").asString(),
        described.path("url").asString());
  }
}
