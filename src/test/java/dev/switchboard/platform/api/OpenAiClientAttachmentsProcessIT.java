package dev.switchboard.platform.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.agent.openai.fake.FakeOpenAiServer;
import dev.switchboard.agent.openai.fake.FakeOpenAiServer.Reply;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.NodeScript;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official {@code openai} npm client sends a picture (a real PNG, made here) and a text
 * file to a gateway process whose agent is the OpenAI backend, talking to the fake
 * OpenAI-compatible server: the model receives the picture as an {@code image_url} part with
 * exactly the bytes the client sent, and the file's text; a {@code file_id} and base64 that is
 * not are 400s the client reports with their {@code param}.
 */
class OpenAiClientAttachmentsProcessIT {
  private static final String KEY = "sk-process-it-0123456789abcdef0123456789abcdef";

  @TempDir
  Path dir;

  @Test
  void theOfficialClientSendsAPictureThatReachesTheModelByteForByte() throws Exception {
    Path png = dir.resolve("square.png");
    BufferedImage square = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 16; x++) {
      for (int y = 0; y < 16; y++) {
        square.setRGB(x, y, (x < 8 ? Color.RED : Color.BLUE).getRGB());
      }
    }
    assertThat(ImageIO.write(square, "png", png.toFile())).isTrue();
    Path notes = dir.resolve("notes.txt");
    Files.writeString(notes, "buy oat milk\nwater the ferns\n");

    try (FakeOpenAiServer openai = new FakeOpenAiServer()) {
      openai.then(Reply.text("Red and blue halves; milk and ferns."));
      Path home = dir.resolve("home");
      try (ChildGateway gateway = ChildGateway.run(
          home,
          Map.of(
              "API_SERVER_KEY",
              KEY,
              "OPENAI_BASE_URL",
              openai.baseUrl(),
              "OPENAI_API_KEY",
              "sk-model-key-0123456789",
              "SWITCHBOARD_MODEL",
              "vision-model"))) {
        String address = gateway.awaitRunning().http();
        try (NodeScript client = NodeScript.start(
            "openai-client-attachments-test.mjs",
            Map.of(
                "BASE_URL",
                "http://" + address,
                "API_KEY",
                KEY,
                "IMAGE",
                png.toString(),
                "NOTES",
                notes.toString()),
            dir)) {
          assertThat(client.awaitExit(Duration.ofSeconds(90)))
              .as(client.describe() + "\ngateway output:\n" + gateway.output())
              .isZero();
          JsonNode seen = JsonMapper.builder().build().readTree(client.stdout().getLast());
          assertThat(seen.path("answer").asString())
              .isEqualTo("Red and blue halves; milk and ferns.");
          assertThat(seen.path("fileIdStatus").asInt()).isEqualTo(400);
          assertThat(seen.path("fileIdParam").asString())
              .isEqualTo("messages[0].content[0].file.file_id");
          assertThat(seen.path("badBase64Status").asInt()).isEqualTo(400);
          assertThat(seen.path("badBase64Param").asString())
              .isEqualTo("messages[0].content[0].image_url.url");
        }
        assertThat(openai.requests()).hasSize(1);
        JsonNode content = openai.lastRequest().lastContent();
        assertThat(content.isArray()).as(content.toString()).isTrue();
        List<String> images = new ArrayList<>();
        StringBuilder texts = new StringBuilder();
        content.forEach(part -> {
          if (part.path("type").asString().equals("image_url")) {
            images.add(part.path("image_url").path("url").asString());
          } else {
            texts.append(part.path("text").asString()).append('\n');
          }
        });
        assertThat(images)
            .containsExactly("data:image/png;base64,"
                + Base64.getEncoder().encodeToString(Files.readAllBytes(png)));
        assertThat(texts.toString())
            .contains("What is in this picture and these notes?")
            .contains("buy oat milk")
            .contains("water the ferns");
        assertThat(gateway.output()).doesNotContain(KEY);
        assertThat(home.resolve("cache").resolve("api")).isEmptyDirectory();
        gateway.signal("TERM");
        assertThat(gateway.awaitExit(Duration.ofSeconds(30))).isZero();
      }
    }
  }
}
