package dev.switchboard.bench;

import dev.switchboard.agent.openai.fake.FakeOpenAiServer;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The model of {@code --backend openai}: the tests' fake OpenAI-compatible server (streamed Chat
 * Completions, as the gateway asks for them), answering each request with its last message's
 * text, so that the reply the harness waits for is the same as with the echo backend. It keeps
 * no requests: a long run would keep every body.
 */
final class FakeModel implements AutoCloseable {
  static final String MODEL = "bench-model";
  /** No model: the echo backend, and a null bot that asks nobody. */
  static final FakeModel NONE = new FakeModel(null);

  private final FakeOpenAiServer server;

  private FakeModel(FakeOpenAiServer server) {
    this.server = server;
  }

  static FakeModel start() throws IOException {
    FakeOpenAiServer server = new FakeOpenAiServer().keepNoRequests().models(MODEL);
    server.byDefault(r -> FakeOpenAiServer.Reply.text(r.lastContent().asString()));
    return new FakeModel(server);
  }

  /** What the gateway needs to use it: the openai backend, chosen by its base URL. */
  Map<String, String> gatewayEnv() {
    return server == null ? Map.of()
        : Map.of("OPENAI_BASE_URL", server.baseUrl(), "SWITCHBOARD_MODEL", MODEL);
  }

  /** The null bot's extra arguments: the model's base URL and name. */
  List<String> nullBotArgs() {
    return server == null ? List.of() : List.of(server.baseUrl(), MODEL);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
