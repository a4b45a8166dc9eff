package dev.switchboard.agent.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.agent.openai.fake.FakeOpenAiServer;
import dev.switchboard.agent.openai.fake.FakeOpenAiServer.Reply;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.loopback.LoopbackServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built gateway, configured by environment alone (OPENAI_BASE_URL, OPENAI_API_KEY,
 * SWITCHBOARD_MODEL) as the README says, talking to the fake OpenAI-compatible server: a
 * streamed reply, the history of the conversation in the next request, /model, /stop in the
 * middle of a slow stream, /usage, and /new starting an empty history.
 */
class OpenAiGatewayProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String KEY = "sk-test-0123456789abcdef";

  @TempDir
  Path dir;

  private Path home;
  private LoopbackServer chat;
  private FakeOpenAiServer openai;
  private ChildGateway gateway;

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
    chat = new LoopbackServer();
    openai = new FakeOpenAiServer();
    Files.writeString(
        home.resolve("switchboard.yaml"),
        "auth:\n  allow_all_users: true\n"
            + "platforms:\n  loopback:\n    enabled: true\n    port: " + chat.port() + "\n"
            + "agent:\n  openai:\n    models: [small-model, big-model]\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    chat.close();
    openai.close();
  }

  /** Waits for {@code text} in the chat; on failure the gateway's output says why. */
  private void says(String text) throws Exception {
    try {
      chat.awaitText("ada", text, WAIT);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\ngateway output:\n" + gateway.output(), e);
    }
  }

  @Test
  void aUserPointsTheGatewayAtAnOpenAiCompatibleServerFromTheEnvironmentAlone() throws Exception {
    gateway = ChildGateway.run(
        home,
        Map.of(
            "OPENAI_BASE_URL",
            openai.baseUrl(),
            "OPENAI_API_KEY",
            KEY,
            "SWITCHBOARD_MODEL",
            "small-model"));
    gateway.awaitRunning();
    chat.awaitConnection(-1, WAIT);

    openai.then(Reply.text("Hello", ", Ada", "!").usage(12, 3));
    chat.send("ada", "hi there");
    says("Hello, Ada!");
    assertThat(openai.lastRequest().model()).isEqualTo("small-model");
    assertThat(openai.lastRequest().authorization()).isEqualTo("Bearer " + KEY);
    assertThat(openai.lastRequest().stream()).isTrue();

    chat.send("ada", "/model big-model");
    says("Model: big-model for this session");
    openai.then(Reply.text("Sure."));
    chat.send("ada", "and again?");
    says("Sure.");
    assertThat(openai.lastRequest().model()).isEqualTo("big-model");
    assertThat(openai.lastRequest().messages())
        .containsExactly("user: hi there", "assistant: Hello, Ada!", "user: and again?");

    openai.then(Reply.text("one ", "two ", "three ", "four ", "five ", "six ", "seven ")
        .chunkDelay(Duration.ofMillis(400)));
    chat.send("ada", "count slowly");
    says("one");
    long stopSent = System.nanoTime();
    chat.send("ada", "/stop");
    says("\u23f9 Stopped.");
    Duration stopTook = Duration.ofNanos(System.nanoTime() - stopSent);
    assertThat(stopTook).isLessThan(Duration.ofSeconds(1));
    assertThat(chat.texts("ada")).noneMatch(t -> t.contains("seven"));

    chat.send("ada", "/usage");
    // the two answered turns reported usage (the fake counts tokens when not told); the
    // stopped one reported none
    says("This conversation: ");
    assertThat(chat.texts("ada"))
        .filteredOn(t -> t.startsWith("This conversation: "))
        .singleElement()
        .asString()
        .contains("(2 turns)")
        .contains("This session in all: ");

    chat.send("ada", "/new");
    says("Started a new conversation.");
    openai.then(Reply.text("Fresh start."));
    chat.send("ada", "who am I?");
    says("Fresh start.");
    assertThat(openai.lastRequest().messages()).containsExactly("user: who am I?");

    gateway.signal("TERM");
    assertThat(gateway.awaitExit(WAIT)).isZero();
    assertThat(gateway.output()).doesNotContain(KEY);
  }
}
