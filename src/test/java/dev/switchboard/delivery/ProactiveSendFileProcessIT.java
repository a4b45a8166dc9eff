package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.lifecycle.StateFile;
import dev.switchboard.platform.discord.fake.FakeDiscordServer;
import dev.switchboard.platform.slack.fake.FakeSlackServer;
import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.Call;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.testing.ChildGateway;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard send --file} from outside (issue 15, part 3): the file reaches the
 * Telegram fake as sendPhoto or sendDocument with the text as its caption, the Discord fake as
 * a multipart message, the Slack fake through files.getUploadURLExternal, the upload and
 * files.completeUploadExternal; the same key twice uploads once; a missing or too large file
 * is refused with its name, and nothing is sent. {@code POST /v1/send} takes files too.
 */
class ProactiveSendFileProcessIT {
  private static final String TELEGRAM_TOKEN = "4242:AAH-file-token_1234567890abcdefgh";
  private static final String DISCORD_TOKEN = "MTA5.file-token.abcdef";
  private static final String SLACK_BOT = "xoxb-1111-2222-file";
  private static final String SLACK_APP = "xapp-1-A1-3333-file";
  private static final long TOM = 5551234L;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String API_KEY = "sk-file-test-0123456789abcdef0123456789";
  private static final long MB = 1024L * 1024;

  @TempDir
  Path dir;

  @Test
  void filesReachEachPlatformOncePerKeyAndBadFilesSendNothing() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    byte[] png = png();
    Path chart = Files.write(dir.resolve("chart.png"), png);
    byte[] pdf = "%PDF-1.4 weekly report".getBytes(StandardCharsets.US_ASCII);
    Path report = Files.write(dir.resolve("report.pdf"), pdf);
    Path log = Files.writeString(dir.resolve("build.txt"), "build 42: green");
    try (FakeTelegramServer telegram = FakeTelegramServer.start(TELEGRAM_TOKEN, "file_bot");
        FakeDiscordServer discord = new FakeDiscordServer(DISCORD_TOKEN);
        FakeSlackServer slack = new FakeSlackServer(SLACK_BOT, SLACK_APP)) {
      telegram.registerUser(TOM, "Tom", null, "tom");
      Map<String, String> env = new HashMap<>();
      env.put("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN);
      env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
      env.put("TELEGRAM_POLL_TIMEOUT", "2s");
      env.put("TELEGRAM_ALLOWED_USERS", Long.toString(TOM));
      env.put("DISCORD_BOT_TOKEN", DISCORD_TOKEN);
      env.put("DISCORD_API_BASE_URL", discord.apiBase().toString());
      env.put("DISCORD_ALLOWED_USERS", "u-dan");
      env.put("SLACK_BOT_TOKEN", SLACK_BOT);
      env.put("SLACK_APP_TOKEN", SLACK_APP);
      env.put("SLACK_API_BASE_URL", slack.apiBase());
      env.put("SLACK_ALLOWED_USERS", "U-SAM");
      env.put("SWITCHBOARD_MEDIA_MAX_FILE_MB", "1");
      env.put("API_SERVER_KEY", API_KEY);
      try (ChildGateway gw = ChildGateway.run(home, env)) {
        gw.awaitRunning();
        await()
            .atMost(WAIT)
            .until(() -> StateFile.read(home)
                .map(s ->
                    s.platforms().values().stream().allMatch(p -> p.state().equals("connected")))
                .orElse(false));
        telegram.privateMessage(TOM, "hi");
        discord.messageCreate("dm-dan", null, "u-dan", "dan", "hi");
        slack.directMessage("U-SAM", "D-SAM", "hi");
        telegram.awaitMessage(TOM, m -> m.text().equals("hi"), WAIT);
        await().atMost(WAIT).until(() -> !discord.sent("dm-dan").isEmpty());
        await().atMost(WAIT).until(() -> !slack.posted("D-SAM").isEmpty());

        // Telegram: an image goes as sendPhoto, the text as its caption.
        ChildGateway.Result photo =
            send(home, "telegram:" + TOM, "Chart of the week", "--file", chart.toString());
        assertThat(photo.exitCode()).as(photo.output()).isZero();
        Call sendPhoto = telegram.awaitCalls("sendPhoto", 1, WAIT).getFirst();
        assertThat(sendPhoto.upload("photo").content()).isEqualTo(png);
        assertThat(sendPhoto.upload("photo").fileName()).isEqualTo("chart.png");
        assertThat(sendPhoto.params().path("caption").asString()).isEqualTo("Chart of the week");
        BotMessage shown = telegram.awaitMessage(
            TOM, m -> "photo".equals(m.mediaField()) && "Chart of the week".equals(m.text()), WAIT);
        assertThat(photo.output())
            .contains("sent to telegram:" + TOM + ": message(s) " + shown.messageId());
        // A document with no text: sendDocument, no caption.
        ChildGateway.Result doc = send(home, "telegram:" + TOM, "--file", report.toString());
        assertThat(doc.exitCode()).as(doc.output()).isZero();
        Call sendDocument = telegram.awaitCalls("sendDocument", 1, WAIT).getFirst();
        assertThat(sendDocument.upload("document").content()).isEqualTo(pdf);
        assertThat(sendDocument.params().has("caption")).isFalse();

        // Discord: a multipart message, and the same key twice uploads once.
        ChildGateway.Result first = send(
            home, "discord:dm-dan", "Weekly report", "--file", report.toString(), "--key", "w-49");
        ChildGateway.Result again = send(
            home, "discord:dm-dan", "Weekly report", "--file", report.toString(), "--key", "w-49");
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output().strip()).isEqualTo(first.output().strip());
        List<List<FakeDiscordServer.ReceivedPart>> uploads = discord.uploads();
        assertThat(uploads).hasSize(1);
        FakeDiscordServer.ReceivedPart file = uploads.getFirst().stream()
            .filter(p -> p.name().equals("files[0]"))
            .findFirst()
            .orElseThrow();
        assertThat(file.bytes()).isEqualTo(pdf);
        assertThat(file.filename()).isEqualTo("report.pdf");
        assertThat(discord.sent("dm-dan"))
            .filteredOn(m -> !m.files().isEmpty())
            .singleElement()
            .satisfies(m -> assertThat(m.content()).isEqualTo("Weekly report"));

        // Slack: getUploadURLExternal, the upload, completeUploadExternal with the comment.
        ChildGateway.Result toSlack =
            send(home, "slack:D-SAM", "Build log", "--file", log.toString());
        assertThat(toSlack.exitCode()).as(toSlack.output()).isZero();
        assertThat(slack.uploadRequests())
            .containsExactly("files.getUploadURLExternal", "files.completeUploadExternal");
        assertThat(slack.shared()).singleElement().satisfies(s -> {
          assertThat(s.bytes()).isEqualTo("build 42: green".getBytes(StandardCharsets.UTF_8));
          assertThat(s.filename()).isEqualTo("build.txt");
          assertThat(s.channel()).isEqualTo("D-SAM");
          assertThat(s.initialComment()).isEqualTo("Build log");
          assertThat(toSlack.output()).contains("message(s) " + s.ts());
        });

        // A missing file names itself; nothing is sent.
        Path missing = dir.resolve("nope.png");
        ChildGateway.Result gone =
            send(home, "telegram:" + TOM, "where?", "--file", missing.toString());
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.output())
            .contains("cannot send " + missing + " does not exist; nothing was sent");

        // Too large: the command line's own check (its configuration says 1 MB) ...
        Path big = Files.write(dir.resolve("big.pdf"), new byte[(int) (1.5 * MB)]);
        ChildGateway.Result tooBig = send(home, "slack:D-SAM", "big", "--file", big.toString());
        assertThat(tooBig.exitCode()).isEqualTo(1);
        assertThat(tooBig.output())
            .contains(big + " is 1.5 MB; the gateway sends files of at most 1 MB"
                + " (media.max_file_mb); nothing was sent");
        // ... and the gateway's, when the command line was told otherwise.
        ChildGateway.Result refused = ChildGateway.cli(
            Map.of("SWITCHBOARD_MEDIA_MAX_FILE_MB", "2"),
            "send",
            "--home",
            home.toString(),
            "slack:D-SAM",
            "big",
            "--file",
            big.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.output())
            .contains("not sent: a file is larger than the 1 MB this gateway sends"
                + " (media.max_file_mb)");

        // POST /v1/send takes files in OpenAI's file-part shape.
        String notes = Base64.getEncoder()
            .encodeToString("minutes of the meeting".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> api = HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(
                        "http://" + StateFile.read(home).orElseThrow().http() + "/v1/send"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + API_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"target\": \"discord:dm-dan\","
                        + " \"text\": \"Minutes\", \"files\": [{\"filename\": \"minutes.txt\","
                        + " \"file_data\": \"data:text/plain;base64," + notes + "\"}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
        assertThat(discord.uploads()).hasSize(2);
        assertThat(discord.uploads().getLast())
            .filteredOn(p -> p.name().equals("files[0]"))
            .singleElement()
            .satisfies(p -> {
              assertThat(p.filename()).isEqualTo("minutes.txt");
              assertThat(p.bytes())
                  .isEqualTo("minutes of the meeting".getBytes(StandardCharsets.UTF_8));
            });

        assertThat(telegram.calls("sendPhoto")).hasSize(1);
        assertThat(telegram.calls("sendDocument")).hasSize(1);
        assertThat(discord.uploads()).hasSize(2);
        assertThat(slack.shared()).hasSize(1);
        assertThat(gw.output())
            .doesNotContain(TELEGRAM_TOKEN)
            .doesNotContain(SLACK_BOT)
            .doesNotContain(API_KEY);
      }
    }
  }

  private static ChildGateway.Result send(Path home, String target, String... rest)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("send", "--home", home.toString(), target));
    args.addAll(List.of(rest));
    return ChildGateway.cli(
        Map.of("SWITCHBOARD_MEDIA_MAX_FILE_MB", "1"), args.toArray(String[]::new));
  }

  private static byte[] png() throws IOException {
    BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
