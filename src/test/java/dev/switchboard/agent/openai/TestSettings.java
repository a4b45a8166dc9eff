package dev.switchboard.agent.openai;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Settings for tests, with short timeouts and backoff; change a field, then {@link #build}. */
final class TestSettings {
  static final String KEY = "sk-test-9f8e7d6c5b4a3928";

  String baseUrl;
  String apiKey = KEY;
  String model = "llama3.2";
  List<String> models = List.of();
  Double temperature;
  Integer maxTokens;
  String systemPrompt;
  int contextTokens = 8000;
  int maxRetries = 3;
  boolean stream = true;
  OpenAiBackendFactory.Vision vision = OpenAiBackendFactory.Vision.AUTO;
  Duration connectTimeout = Duration.ofSeconds(2);
  Duration idleTimeout = Duration.ofSeconds(5);
  Duration turnTimeout = Duration.ofSeconds(20);
  Duration backoffBase = Duration.ofMillis(10);

  TestSettings(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  OpenAiSettings build() {
    return new OpenAiSettings(
        URI.create(baseUrl),
        apiKey,
        model,
        models,
        temperature,
        maxTokens,
        systemPrompt,
        contextTokens,
        maxRetries,
        stream,
        vision,
        connectTimeout,
        idleTimeout,
        turnTimeout,
        backoffBase);
  }
}
