package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.NodeScript;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files both ways in the web chat, in real headless Chromium against a gateway process with the
 * echo agent: pictures attached with the button, pasted from the clipboard and dropped from the
 * desktop show as thumbnails and in the user's messages; a text file is a download; a file
 * over media.max_file_mb is refused on the page; the agent's picture (a Markdown image it
 * repeats) shows inline; a Markdown reply is still rendered; a reload shows it all again.
 * Screenshots land in target/browser/.
 */
class WebChatFilesBrowserProcessIT {
  /** A 24x24 green PNG, the file dropped on the conversation. */
  private static final String GREEN_PNG =
      "iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAH0lEQVR4nGOQW2BDFcQwatCoQaMGjRo0atCoQQNvEAACIzKfxZFxpQAAAABJRU5ErkJggg==";

  /** The 24x24 red PNG the script attaches with the button. */
  private static final String RED_PNG =
      "iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAH0lEQVR4nGO4IydHFcQwatCoQaMGjRo0atCoQQNvEAD4u3Yf+O/62QAAAABJRU5ErkJggg==";

  @TempDir
  Path dir;

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void picturesGoBothWaysInTheBrowser() throws Exception {
    Path home = dir.resolve("home");
    Path drop = Files.write(dir.resolve("dropped.png"), Base64.getDecoder().decode(GREEN_PNG));
    Path shots = Path.of("target", "browser").toAbsolutePath();
    Files.createDirectories(shots);
    Map<String, String> env =
        Map.of("SWITCHBOARD_HTTP_AUTH", "false", "SWITCHBOARD_MEDIA_MAX_FILE_MB", "1");
    try (ChildGateway gateway = ChildGateway.run(home, env)) {
      GatewayState running = gateway.awaitState(GatewayState.RUNNING, Duration.ofSeconds(90));
      try (NodeScript script = NodeScript.start(
          "browser-files-test.mjs",
          Map.of(
              "BASE_URL",
              "http://" + running.http(),
              "DROP_FILE",
              drop.toString(),
              "SCREENSHOT",
              shots.resolve("webchat-files.png").toString()),
          dir)) {
        assertThat(script.awaitExit(Duration.ofSeconds(180)))
            .as(script.describe())
            .isZero();
        assertThat(script.stdout())
            .anyMatch(l -> l.startsWith("step 2 ok"))
            .anyMatch(l -> l.startsWith("step 3 ok"))
            .anyMatch(l -> l.startsWith("step 6 ok"))
            .anyMatch(l -> l.startsWith("step 9 ok"));
      }
      gateway.signal("TERM");
      assertThat(gateway.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    assertThat(shots.resolve("webchat-files.png")).isNotEmptyFile();
    // Kept with the conversation: the red picture, the green one (dropped, and the agent's:
    // the same bytes), the pasted one (Chromium writes a clipboard picture anew) and the notes;
    // nothing of the file over the limit.
    List<Path> kept = new ArrayList<>();
    try (DirectoryStream<Path> chats = Files.newDirectoryStream(
        home.resolve("web/files"), p -> !p.getFileName().toString().startsWith("."))) {
      for (Path chat : chats) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(chat)) {
          files.forEach(kept::add);
        }
      }
    }
    assertThat(kept)
        .extracting(p -> p.getFileName().toString())
        .contains(sha256(Base64.getDecoder().decode(RED_PNG)), sha256(Files.readAllBytes(drop)));
    for (Path p : kept) {
      assertThat(Files.size(p)).isLessThan(1024 * 1024);
    }
  }
}
