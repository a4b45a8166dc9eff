package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.agent.openai.fake.FakeOpenAiServer;
import dev.switchboard.agent.openai.fake.FakeOpenAiServer.Reply;
import dev.switchboard.media.fake.FakeAudioServer;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.Call;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The built gateway between the fake Bot API and the fake OpenAI-compatible model: a photo
 * from Telegram reaches the model as an image part and the model's picture goes back as
 * sendPhoto; a PDF's text reaches the model; a file too big for the Bot API is refused with
 * the line the user sees.
 */
class AttachmentsProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TOKEN = "123456:media-test-token-0123456789";
  private static final long ADA = 5001;

  @TempDir
  Path dir;

  private Path home;
  private FakeTelegramServer telegram;
  private FakeOpenAiServer model;
  private FakeAudioServer audio;
  private ChildGateway gateway;

  @BeforeEach
  void setUp() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    telegram = FakeTelegramServer.start(TOKEN, "media_test_bot");
    telegram.registerUser(ADA, "Ada", null, "ada");
    model = new FakeOpenAiServer();
    audio = new FakeAudioServer();
    Map<String, String> env = new HashMap<>();
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    env.put("TELEGRAM_POLL_TIMEOUT", "2s");
    env.put("TELEGRAM_ALLOWED_USERS", Long.toString(ADA));
    env.put("OPENAI_BASE_URL", model.baseUrl());
    env.put("OPENAI_API_KEY", "sk-media-test");
    env.put("SWITCHBOARD_MODEL", "vision-model");
    env.put("SWITCHBOARD_STT_BASE_URL", audio.baseUrl());
    env.put("STT_API_KEY", "sk-stt-test");
    env.put("SWITCHBOARD_TTS_BASE_URL", audio.baseUrl());
    env.put("TTS_API_KEY", "sk-tts-test");
    gateway = ChildGateway.run(home, env);
    gateway.awaitRunning();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    telegram.close();
    model.close();
    audio.close();
  }

  private BotMessage awaitReply(String containing) throws IOException {
    try {
      return telegram.awaitMessage(ADA, m -> m.text().contains(containing), WAIT);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\ngateway output:\n" + gateway.output(), e);
    }
  }

  @Test
  void aPhotoReachesTheModelAsAnImageAndTheModelsPictureComesBackAsAPhoto() throws Exception {
    byte[] photo = png(64, 48);
    String fileId = telegram.addFile("photos", "jpg", photo);
    byte[] chart = png(32, 32);
    model.then(
        Reply.text("A grey rectangle. Here is one of mine:\n![my chart](data:image/png;base64,"
            + Base64.getEncoder().encodeToString(chart) + ")"));

    telegram.privateMedia(ADA, """
        "photo": [{"file_id": "%s", "file_unique_id": "u1", "file_size": %d,
                   "width": 64, "height": 48}],
        "caption": "what is this?"
        """.formatted(fileId, photo.length));

    awaitReply("A grey rectangle. Here is one of mine:");
    JsonNode content = model.lastRequest().lastContent();
    assertThat(content.isArray()).isTrue();
    assertThat(content.get(0).path("type").stringValue()).isEqualTo("text");
    assertThat(content.get(0).path("text").stringValue()).contains("what is this?");
    assertThat(content.get(1).path("type").stringValue()).isEqualTo("image_url");
    assertThat(content.get(1).path("image_url").path("url").stringValue())
        .isEqualTo("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(photo));

    List<Call> sends = telegram.awaitCalls("sendPhoto", 1, WAIT);
    Call sent = sends.getFirst();
    assertThat(sent.upload("photo").content()).isEqualTo(chart);
    assertThat(sent.params().path("caption").stringValue()).isEqualTo("my chart");
    assertThat(telegram.messages(ADA)).noneMatch(m -> m.text().contains("base64"));
  }

  @Test
  void aPdfsTextReachesTheModel() throws Exception {
    byte[] pdf = pdf("Quarterly report", "Revenue rose by 12 percent.");
    String fileId = telegram.addFile("documents", "pdf", pdf);
    model.then(Reply.text("Revenue rose by 12 percent, it says."));

    telegram.privateMedia(ADA, """
        "document": {"file_id": "%s", "file_unique_id": "d1", "file_name": "report.pdf",
                     "mime_type": "application/pdf", "file_size": %d},
        "caption": "summarise"
        """.formatted(fileId, pdf.length));

    awaitReply("Revenue rose by 12 percent, it says.");
    String sent = model.lastRequest().lastContent().toString();
    assertThat(sent)
        .contains("summarise")
        .contains("report.pdf")
        .contains("Quarterly report")
        .contains("Revenue rose by 12 percent.");
  }

  @Test
  void aFileTooBigForTheBotApiIsRefusedWithALineAndTheCaptionStillReachesTheModel()
      throws Exception {
    String fileId = telegram.addFileTooBigToDownload("videos", "mp4", 30L * 1024 * 1024);
    model.then(Reply.text("I only got your words."));

    telegram.privateMedia(ADA, """
        "video": {"file_id": "%s", "file_unique_id": "v1", "file_size": %d, "width": 640,
                  "height": 480, "duration": 60, "mime_type": "video/mp4"},
        "caption": "watch this"
        """.formatted(fileId, 30L * 1024 * 1024));

    awaitReply("\u26a0\ufe0f I could not take a video: it is larger than the 20 MB telegram"
        + " lets bots download");
    awaitReply("I only got your words.");
    assertThat(model.lastRequest().messages().getLast()).contains("watch this");
    assertThat(telegram.downloads()).isEmpty();
  }

  @Test
  void aVoiceNoteIsTranscribedAndWithVoiceOnTheReplyComesBackAsAVoiceNote() throws Exception {
    telegram.privateMessage(ADA, "/voice on");
    awaitReply("Voice replies are on");
    byte[] ogg = FakeAudioServer.oggOpus();
    String fileId = telegram.addFile("voice", "oga", ogg);
    audio.transcript("what time is it");
    model.then(Reply.text("It is **nine**."));

    telegram.privateMedia(ADA, """
        "voice": {"file_id": "%s", "file_unique_id": "o1", "duration": 2,
                  "mime_type": "audio/ogg", "file_size": %d}
        """.formatted(fileId, ogg.length));

    awaitReply("\ud83c\udfa4 what time is it");
    awaitReply("It is nine.");
    assertThat(model.lastRequest().lastContent().toString()).contains("what time is it");
    assertThat(audio.transcriptions())
        .singleElement()
        .satisfies(t -> assertThat(t.file().bytes()).isEqualTo(ogg));
    Call voice = telegram.awaitCalls("sendVoice", 1, WAIT).getFirst();
    assertThat(voice.upload("voice").content()).isEqualTo(FakeAudioServer.oggOpus());
    assertThat(audio.speeches())
        .singleElement()
        .satisfies(
            sp -> assertThat(sp.body().path("input").stringValue()).isEqualTo("It is nine."));
  }

  private static byte[] png(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private byte[] pdf(String... lines) throws IOException {
    Path path = dir.resolve("report.pdf");
    try (PDDocument doc = new PDDocument()) {
      PDPage page = new PDPage();
      doc.addPage(page);
      try (PDPageContentStream text = new PDPageContentStream(doc, page)) {
        text.beginText();
        text.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
        text.setLeading(14);
        text.newLineAtOffset(72, 720);
        for (String line : lines) {
          text.showText(line);
          text.newLine();
        }
        text.endText();
      }
      doc.save(path.toFile());
    }
    return Files.readAllBytes(path);
  }
}
