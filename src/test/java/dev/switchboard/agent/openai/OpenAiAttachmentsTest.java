package dev.switchboard.agent.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.Approver;
import dev.switchboard.agent.ChatMessage;
import dev.switchboard.agent.TurnAttachment;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnOutput;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import dev.switchboard.agent.openai.OpenAiBackendFactory.Vision;
import dev.switchboard.agent.openai.fake.FakeOpenAiServer;
import dev.switchboard.agent.openai.fake.FakeOpenAiServer.Reply;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.Sender;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the OpenAI-compatible backend sends for the files of a turn, and what it does when refused. */
class OpenAiAttachmentsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String NOTE =
      "[the user sent an image, photo.png, which this model cannot see]";

  @TempDir
  Path dir;

  private FakeOpenAiServer server;
  private OpenAiBackend backend;
  private final List<String> deltas = new CopyOnWriteArrayList<>();
  private final TurnOutput output = deltas::add;
  private Path png;
  private byte[] pngBytes;

  @BeforeEach
  void start() throws Exception {
    server = new FakeOpenAiServer();
    BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0xff0000);
    image.setRGB(1, 1, 0x00ff00);
    png = dir.resolve("photo.png");
    assertThat(ImageIO.write(image, "png", png.toFile())).isTrue();
    pngBytes = Files.readAllBytes(png);
  }

  @AfterEach
  void stop() {
    if (backend != null) {
      backend.close();
    }
    server.close();
  }

  private OpenAiBackend backend(Consumer<TestSettings> change) {
    TestSettings s = new TestSettings(server.baseUrl());
    change.accept(s);
    backend = new OpenAiBackend(s.build());
    return backend;
  }

  private TurnAttachment photo() {
    return new TurnAttachment(
        AttachmentKind.IMAGE, "image/png", "photo.png", pngBytes.length, png, null);
  }

  private TurnAttachment document(String name, String text) throws Exception {
    Path file = Files.writeString(dir.resolve(name + ".bin"), "%PDF-1.7 bytes of " + name);
    return new TurnAttachment(
        AttachmentKind.DOCUMENT, "application/pdf", name, Files.size(file), file, text);
  }

  private static TurnRequest turn(String text, TurnAttachment... attachments) {
    return turn(text, List.of(), attachments);
  }

  private static TurnRequest turn(
      String text, List<ChatMessage> history, TurnAttachment... attachments) {
    return new TurnRequest(
        "s#1",
        ChatRef.of("telegram", "42"),
        new Sender("42", "Ann"),
        text,
        history,
        null,
        Approver.DENY_ALL,
        List.of(attachments));
  }

  private TurnResult run(TurnRequest request) throws Exception {
    return backend.run(request, output, new TurnControl());
  }

  private String dataUrl() {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(pngBytes);
  }

  private static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  private static String textPart(String text) {
    return JSON.createObjectNode().put("type", "text").put("text", text).toString();
  }

  private String imagePart() {
    return "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + dataUrl() + "\"}}";
  }

  @Test
  void aTurnWithoutAttachmentsSendsItsTextAsAPlainString() throws Exception {
    backend(s -> {});

    run(turn("just text"));

    assertThat(server.lastRequest().lastContent().isString()).isTrue();
    assertThat(server.lastRequest().lastContent().stringValue()).isEqualTo("just text");
  }

  @Test
  void anImageGoesAsABase64DataUrlPartAfterTheText() throws Exception {
    backend(s -> {});

    TurnResult result = run(turn("what is this?", photo()));

    assertThat(result.text()).isEqualTo("Hello there!");
    JsonNode content = server.lastRequest().lastContent();
    assertThat(content).isEqualTo(json("[" + textPart("what is this?") + "," + imagePart() + "]"));
    String url = content.path(1).path("image_url").path("url").stringValue();
    assertThat(url).startsWith("data:image/png;base64,iVBORw0KGgo"); // the PNG signature
    assertThat(Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1))).isEqualTo(pngBytes);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void anImageWithoutACaptionIsSentAlone() throws Exception {
    backend(s -> {});

    run(turn("", photo()));

    assertThat(server.lastRequest().lastContent()).isEqualTo(json("[" + imagePart() + "]"));
  }

  @Test
  void aDocumentsTextIsInlinedBetweenLinesNamingIt() throws Exception {
    backend(s -> {});

    run(turn("summarise", document("report.pdf", "Revenue rose 4%.\nCosts fell.")));

    assertThat(server.lastRequest().lastContent())
        .isEqualTo(json("[" + textPart("summarise") + ","
            + textPart(
                "[file: report.pdf]\nRevenue rose 4%.\nCosts fell.\n[end of file: report.pdf]")
            + "]"));
  }

  @Test
  void aVoiceNotesTranscriptAndAFileWithoutTextAreNamed() throws Exception {
    backend(s -> {});
    Path ogg = Files.write(dir.resolve("voice.ogg"), new byte[] {'O', 'g', 'g', 'S'});
    Path zip = Files.write(dir.resolve("archive.zip"), new byte[] {'P', 'K', 3, 4});

    run(turn(
        "",
        new TurnAttachment(AttachmentKind.VOICE, "audio/ogg", "a voice note", 4, ogg, "call me"),
        new TurnAttachment(
            AttachmentKind.DOCUMENT, "application/zip", "archive.zip", 4, zip, null)));

    assertThat(server.lastRequest().lastContent())
        .isEqualTo(json("["
            + textPart("[voice note transcript]\ncall me\n[end of voice note transcript]") + ","
            + textPart("[the user sent a file, archive.zip, of type application/zip, which cannot"
                + " be passed on to this model]")
            + "]"));
  }

  @Test
  void historyStaysTextOnly() throws Exception {
    backend(s -> {});

    run(turn(
        "and this one?",
        List.of(
            new ChatMessage(ChatMessage.USER, "look at my cat"),
            new ChatMessage(ChatMessage.ASSISTANT, "A fine cat.")),
        photo()));

    JsonNode messages = server.lastRequest().body().path("messages");
    assertThat(messages.path(0).path("content").stringValue()).isEqualTo("look at my cat");
    assertThat(messages.path(1).path("content").stringValue()).isEqualTo("A fine cat.");
    assertThat(messages.path(2).path("content").isArray()).isTrue();
  }

  @Test
  void visionOffSendsANoteInsteadOfTheImage() throws Exception {
    backend(s -> s.vision = Vision.OFF);

    TurnResult result = run(turn("what is this?", photo()));

    assertThat(server.lastRequest().lastContent())
        .isEqualTo(json("[" + textPart("what is this?") + "," + textPart(NOTE) + "]"));
    assertThat(server.requests()).hasSize(1);
    assertThat(result.text()).isEqualTo("Hello there!");
  }

  @Test
  void visionOnKeepsSendingImagesAndReportsARefusalAsItIs() throws Exception {
    server.rejectImages();
    backend(s -> s.vision = Vision.ON);

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> run(turn("what is this?", photo())))
          .isInstanceOfSatisfying(
              AgentException.class,
              e -> assertThat(e.userMessage())
                  .contains("\"llama3.2\" does not take images")
                  .contains("image_url is only supported by certain models")
                  .contains("agent.openai.vision"));
    }

    assertThat(server.requests()).hasSize(2);
    assertThat(server.requests())
        .allSatisfy(r ->
            assertThat(r.lastContent().path(1).path("type").stringValue()).isEqualTo("image_url"));
  }

  @Test
  void autoRetriesOnceWithoutTheImageRemembersTheModelAndTellsTheUserOnce() throws Exception {
    server.rejectImages();
    backend(s -> {});

    TurnResult first = run(turn("what is this?", photo()));

    String notice = "(The model llama3.2 cannot see images, so it got your message with a note"
        + " in place of each image.)\n\n";
    assertThat(server.requests()).hasSize(2);
    assertThat(server.requests().get(0).lastContent())
        .isEqualTo(json("[" + textPart("what is this?") + "," + imagePart() + "]"));
    assertThat(server.requests().get(1).lastContent())
        .isEqualTo(json("[" + textPart("what is this?") + "," + textPart(NOTE) + "]"));
    assertThat(first.text()).isEqualTo(notice + "Hello there!");
    assertThat(deltas.getFirst()).isEqualTo(notice);

    deltas.clear();
    TurnResult second = run(turn("and this?", photo()));

    assertThat(server.requests()).hasSize(3);
    assertThat(server.lastRequest().lastContent())
        .isEqualTo(json("[" + textPart("and this?") + "," + textPart(NOTE) + "]"));
    assertThat(second.text()).isEqualTo("Hello there!");
    assertThat(String.join("", deltas)).isEqualTo("Hello there!");
  }

  @Test
  void autoRemembersPerModelSoAnotherModelIsStillTriedWithItsImage() throws Exception {
    server.rejectImages();
    backend(s -> {});
    run(turn("what is this?", photo()));

    TurnResult other = run(new TurnRequest(
        "s#1",
        ChatRef.of("telegram", "42"),
        new Sender("42", "Ann"),
        "and you?",
        List.of(),
        "llava",
        Approver.DENY_ALL,
        List.of(photo())));

    assertThat(server.requests()).hasSize(4);
    assertThat(server.requests().get(2).lastContent().path(1).path("type").stringValue())
        .isEqualTo("image_url");
    assertThat(server.requests().get(3).lastContent().path(1).path("text").stringValue())
        .isEqualTo(NOTE);
    assertThat(other.text()).startsWith("(The model llava cannot see images");
  }

  @Test
  void autoDoesNotRetryABadRequestThatIsNotAboutImageSupport() {
    server.then(Reply.error(
            400,
            "invalid_request_error",
            "invalid_type",
            "Invalid type for 'messages[0].content[1].image_url': expected an object, but got a"
                + " string instead.")
        .param("messages[0].content[1].image_url"));
    backend(s -> {});

    assertThatThrownBy(() -> run(turn("what is this?", photo())))
        .isInstanceOfSatisfying(
            AgentException.class, e -> assertThat(e.userMessage()).contains("HTTP 400"));
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void aTurnWithoutImagesIsNotRetriedOnAnImageRefusal() throws Exception {
    server.then(Reply.error(400, "invalid_request_error", null, "image input is not supported"));
    backend(s -> {});

    assertThatThrownBy(() -> run(turn("summarise", document("a.pdf", "text"))))
        .isInstanceOf(AgentException.class);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void anImageOverTheSizeLimitBecomesANote() throws Exception {
    backend(s -> {});
    TurnAttachment huge = new TurnAttachment(
        AttachmentKind.IMAGE, "image/png", "photo.png", 21L * 1024 * 1024, png, null);

    run(turn("look", huge));

    assertThat(server.lastRequest().lastContent().path(1).path("text").stringValue())
        .isEqualTo("[the user sent an image, photo.png, too large (21.0 MB) to pass on to the"
            + " model; the limit is 20 MB]");
  }

  @Test
  void aStickerInAFormatModelsCannotTakeBecomesANote() throws Exception {
    backend(s -> {});
    Path tgs = Files.write(dir.resolve("sticker.tgs"), new byte[] {0x1f, (byte) 0x8b});

    run(turn(
        "",
        new TurnAttachment(
            AttachmentKind.STICKER, "application/x-tgsticker", "a sticker", 2, tgs, null)));

    assertThat(server.lastRequest().lastContent())
        .isEqualTo(json("["
            + textPart("[the user sent a sticker, in a format (application/x-tgsticker) the model"
                + " cannot take]")
            + "]"));
  }

  @Test
  void aJpegSentAsImageJpgGoesAsImageJpeg() throws Exception {
    backend(s -> {});

    run(turn(
        "",
        new TurnAttachment(
            AttachmentKind.IMAGE, "image/JPG", "photo.jpg", pngBytes.length, png, null)));

    assertThat(server
            .lastRequest()
            .lastContent()
            .path(0)
            .path("image_url")
            .path("url")
            .stringValue())
        .startsWith("data:image/jpeg;base64,");
  }

  @Test
  void aDocumentTooLongForTheContextIsCutWithANoteAndTheHistoryMakesRoom() throws Exception {
    backend(s -> s.contextTokens = 1000);
    String longText = "word ".repeat(2000); // 10,000 bytes, about 2,500 tokens

    run(turn(
        "summarise",
        List.of(new ChatMessage(ChatMessage.USER, "earlier")),
        document("long.pdf", longText)));

    JsonNode messages = server.lastRequest().body().path("messages");
    assertThat(messages.size()).as("the history gave way").isEqualTo(1);
    String section = messages.path(0).path("content").path(1).path("text").stringValue();
    assertThat(section)
        .startsWith("[file: long.pdf]\nword word")
        .endsWith("\n[cut here: the rest did not fit in the model's context"
            + " (agent.openai.context_tokens)]\n[end of file: long.pdf]");
    int tokens = HistoryBudget.estimate("summarise" + section);
    assertThat(tokens).isBetween(900, 1000);
  }
}
