package dev.switchboard.agent.openai;

import dev.switchboard.common.RedactedRecord;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The resolved settings of the OpenAI-compatible backend.
 *
 * @param baseUrl without a trailing slash: {@code http://localhost:11434/v1}
 * @param apiKey null when the server needs none (Ollama)
 * @param models the models a session may pick with /model, {@code model} first
 * @param temperature null for the server's default
 * @param maxTokens null for the server's default
 * @param systemPrompt null for none
 * @param contextTokens the estimated tokens a request may use (see {@link HistoryBudget})
 * @param maxRetries retries of a 429 or 5xx answer
 * @param vision whether the user's images are sent as image parts
 * @param idleTimeout the longest silence between two pieces of a streamed answer
 * @param turnTimeout the longest a whole turn may take, retries and waits included
 * @param backoffBase the first retry's delay bound when the server gives no Retry-After
 */
record OpenAiSettings(
    URI baseUrl,
    @Nullable String apiKey,
    String model,
    List<String> models,
    @Nullable Double temperature,
    @Nullable Integer maxTokens,
    @Nullable String systemPrompt,
    int contextTokens,
    int maxRetries,
    boolean stream,
    OpenAiBackendFactory.Vision vision,
    Duration connectTimeout,
    Duration idleTimeout,
    Duration turnTimeout,
    Duration backoffBase) {

  OpenAiSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(vision, "vision");
    models = List.copyOf(models);
  }

  /** The base URL without user info, query or fragment: safe to show. */
  String shownBaseUrl() {
    return baseUrl.getScheme() + "://" + baseUrl.getHost()
        + (baseUrl.getPort() < 0 ? "" : ":" + baseUrl.getPort())
        + (baseUrl.getPath() == null ? "" : baseUrl.getPath());
  }

  /** "host:port", the port filled in from the scheme when the URL has none. */
  String hostPort() {
    int port = baseUrl.getPort();
    if (port < 0) {
      port = "https".equalsIgnoreCase(baseUrl.getScheme()) ? 443 : 80;
    }
    return baseUrl.getHost() + ":" + port;
  }

  URI completionsUri() {
    return URI.create(baseUrl + "/chat/completions");
  }

  /** Without the API key. */
  @Override
  public String toString() {
    return RedactedRecord.toString(this, Set.of("apiKey"));
  }
}
