package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.agent.Approver;
import dev.switchboard.agent.TurnAttachment;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.Sender;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The content blocks AcpBackend sends for a turn's files, as the real ACP test agent
 * (src/test/acp-agent, official SDK) receives them, for each of the agent's prompt
 * capabilities.
 */
@Timeout(60)
class AcpAttachmentsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path root;

  @TempDir
  Path store;

  private AcpBackend backend;
  private Path png;
  private byte[] pngBytes;
  private Path pdf;

  @BeforeEach
  void files() throws Exception {
    BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0x0000ff);
    png = store.resolve("5f1d9c0e");
    assertThat(ImageIO.write(image, "png", png.toFile())).isTrue();
    pngBytes = Files.readAllBytes(png);
    pdf = Files.writeString(store.resolve("a3b2c1"), "%PDF-1.7 the bytes of a PDF");
  }

  @AfterEach
  void close() {
    if (backend != null) {
      backend.close();
    }
  }

  private void backend(String... capabilities) {
    List<String> command = new ArrayList<>(TestAgent.command());
    command.addAll(List.of(capabilities));
    backend = new AcpBackend(new AcpBackend.Settings(
        command,
        root,
        4,
        Duration.ofSeconds(30),
        AgentEnvironment.of(System.getenv(), List.of()),
        null));
  }

  private TurnAttachment photo() {
    return new TurnAttachment(
        AttachmentKind.IMAGE, "image/png", "photo.png", pngBytes.length, png, null);
  }

  private TurnAttachment report() throws Exception {
    return new TurnAttachment(
        AttachmentKind.DOCUMENT,
        "application/pdf",
        "report.pdf",
        Files.size(pdf),
        pdf,
        "Revenue rose 4%.");
  }

  private String say(String text, TurnAttachment... attachments) throws Exception {
    TurnRequest request = new TurnRequest(
        "c1",
        ChatRef.of("test", "c1"),
        new Sender("u", "U"),
        text,
        List.of(),
        null,
        Approver.DENY_ALL,
        List.of(attachments));
    return backend.run(request, d -> {}, new TurnControl()).text();
  }

  /** The blocks of the prompt as the agent received them. */
  private JsonNode prompt(TurnAttachment... attachments) throws Exception {
    return JSON.readTree(say("prompt", attachments));
  }

  private Path copies() {
    return root.resolve(AcpBackend.safeName("c1")).resolve("attachments");
  }

  private static String text(String text) {
    return JSON.createObjectNode().put("type", "text").put("text", text).toString();
  }

  private String link(String name, String mimeType, long size) {
    ObjectNode link = JSON.createObjectNode()
        .put("type", "resource_link")
        .put("uri", copies().resolve(name).toUri().toString())
        .put("name", name)
        .put("mimeType", mimeType)
        .put("size", size);
    return link.toString();
  }

  private static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  @Test
  void aTurnWithoutAttachmentsSendsItsTextAlone() throws Exception {
    backend("--image", "--embedded-context");

    assertThat(prompt()).isEqualTo(json("[" + text("prompt") + "]"));
  }

  @Test
  void anAgentThatTakesImagesGetsAnImageBlockBeforeTheText() throws Exception {
    backend("--image");

    JsonNode prompt = prompt(photo());

    String image = JSON.createObjectNode()
        .put("type", "image")
        .put("mimeType", "image/png")
        .put("data", Base64.getEncoder().encodeToString(pngBytes))
        .toString();
    assertThat(prompt).isEqualTo(json("[" + image + "," + text("prompt") + "]"));
    assertThat(Files.exists(copies())).as("nothing copied for an image block").isFalse();
  }

  @Test
  void anImageTheAgentCannotTakeIsALinkToACopyInItsDirectory() throws Exception {
    backend("--embedded-context");

    JsonNode prompt = prompt(photo());

    assertThat(prompt)
        .isEqualTo(json(
            "[" + link("photo.png", "image/png", pngBytes.length) + "," + text("prompt") + "]"));
    assertThat(copies().resolve("photo.png")).hasBinaryContent(pngBytes);
  }

  @Test
  void aDocumentsTextIsEmbeddedWhenTheAgentTakesEmbeddedContext() throws Exception {
    backend("--embedded-context");

    JsonNode prompt = prompt(report());

    ObjectNode resource = JSON.createObjectNode().put("type", "resource");
    resource
        .putObject("resource")
        .put("uri", copies().resolve("report.pdf").toUri().toString())
        .put("mimeType", "text/plain")
        .put("text", "Revenue rose 4%.");
    assertThat(prompt).isEqualTo(json("[" + resource + "," + text("prompt") + "]"));
    assertThat(copies().resolve("report.pdf")).hasSameBinaryContentAs(pdf);
  }

  @Test
  void withoutEmbeddedContextADocumentIsALinkFollowedByItsText() throws Exception {
    backend("--image");

    JsonNode prompt = prompt(report());

    assertThat(prompt)
        .isEqualTo(json("[" + link("report.pdf", "application/pdf", Files.size(pdf)) + ","
            + text("[file: report.pdf]\nRevenue rose 4%.\n[end of file: report.pdf]") + ","
            + text("prompt") + "]"));
  }

  @Test
  void aVoiceNotesTranscriptIsTextAndAFileWithoutTextALink() throws Exception {
    backend("--image", "--embedded-context");
    Path ogg = Files.write(store.resolve("0a0b"), new byte[] {'O', 'g', 'g', 'S'});
    Path zip = Files.write(store.resolve("0c0d"), new byte[] {'P', 'K', 3, 4});

    JsonNode prompt = prompt(
        new TurnAttachment(AttachmentKind.VOICE, "audio/ogg", "a voice note", 4, ogg, "call me"),
        new TurnAttachment(
            AttachmentKind.DOCUMENT, "application/zip", "../../etc/archive.zip", 4, zip, null));

    assertThat(prompt)
        .isEqualTo(json("["
            + text("[voice note transcript]\ncall me\n[end of voice note transcript]") + ","
            + link("archive.zip", "application/zip", 4) + ","
            + text("prompt") + "]"));
  }

  @Test
  void aNameSentTwiceGetsANumberAndTheFirstCopyIsKept() throws Exception {
    backend();
    say("first", report());
    Files.writeString(copies().resolve("report.pdf"), "the agent's notes");

    say("second", report());

    assertThat(copies().resolve("report.pdf")).hasContent("the agent's notes");
    assertThat(copies().resolve("report-2.pdf")).hasSameBinaryContentAs(pdf);
  }

  @Test
  void theAgentCanReadTheFilesItIsLinkedTo() throws Exception {
    backend();
    Path notes = Files.writeString(store.resolve("9e8f"), "shopping: milk");

    String read = say(
        "read-links",
        report(),
        new TurnAttachment(
            AttachmentKind.DOCUMENT, "text/plain", "notes.txt", 14, notes, "shopping: milk"));

    assertThat(read)
        .isEqualTo("read " + copies().resolve("report.pdf").toUri()
            + ": %PDF-1.7 the bytes of a PDF\nread "
            + copies().resolve("notes.txt").toUri()
            + ": shopping: milk");
  }

  @Test
  void aPhotoWithoutACaptionSendsNoEmptyTextBlock() throws Exception {
    backend("--image");

    // The test agent answers a prompt without text blocks with its blocks.
    JsonNode prompt = json(say("", photo()));

    assertThat(prompt).hasSize(1);
    assertThat(prompt.path(0).path("type").stringValue()).isEqualTo("image");
  }
}
