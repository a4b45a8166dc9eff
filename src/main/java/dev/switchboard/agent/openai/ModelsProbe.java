package dev.switchboard.agent.openai;

import dev.switchboard.common.Finding;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code switchboard doctor}'s check of the OpenAI-compatible server: GET {base}/models with the
 * key, which every such server (OpenAI, Ollama, vLLM, llama.cpp) answers without running a
 * model, and whose list says whether the configured model is there.
 */
final class ModelsProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String SUBJECT = "agent";

  private final OpenAiSettings settings;

  ModelsProbe(OpenAiSettings settings) {
    this.settings = settings;
  }

  List<Finding> check() throws InterruptedException {
    String where = settings.shownBaseUrl();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.baseUrl() + "/models"))
        .timeout(TIMEOUT)
        .header("Accept", "application/json")
        .GET();
    if (settings.apiKey() != null) {
      request.header("Authorization", "Bearer " + settings.apiKey());
    }
    HttpResponse<String> response;
    try (HttpClient http = HttpClient.newBuilder()
        .connectTimeout(TIMEOUT)
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build()) {
      response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return List.of(Finding.fail(
          SUBJECT,
          "openai backend: cannot reach " + where + ": " + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage()),
          "start the server (for Ollama: ollama serve) or correct "
              + OpenAiBackendFactory.BASE_URL.where()));
    }
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      return List.of(Finding.fail(
          SUBJECT,
          "openai backend: " + where + " refused the key (HTTP " + status + ")",
          settings.apiKey() == null
              ? "set " + OpenAiBackendFactory.API_KEY.where()
              : "check " + OpenAiBackendFactory.API_KEY.where()));
    }
    if (status != 200) {
      return List.of(Finding.fail(
          SUBJECT,
          "openai backend: GET " + where + "/models answered" + " HTTP " + status,
          "check that " + OpenAiBackendFactory.BASE_URL.where()
              + " is the API's base URL (it usually ends in /v1)"));
    }
    List<String> ids = new ArrayList<>();
    try {
      JsonNode data = JsonMapper.builder().build().readTree(response.body()).path("data");
      data.forEach(m -> ids.add(m.path("id").asString()));
    } catch (JacksonException e) {
      return List.of(Finding.warn(
          SUBJECT,
          "openai backend: " + where + " answered, but not with" + " a model list",
          "check that " + OpenAiBackendFactory.BASE_URL.where()
              + " is the API's base URL (it usually ends in /v1)"));
    }
    if (!ids.isEmpty() && !ids.contains(settings.model())) {
      return List.of(Finding.warn(
          SUBJECT,
          "openai backend: " + where + " answers, but does not"
              + " list the model '" + settings.model() + "' (" + ids.size() + " others, such as "
              + String.join(", ", ids.subList(0, Math.min(3, ids.size()))) + ")",
          "set "
              + OpenAiBackendFactory.MODEL.where() + " to one of them, or pull it (ollama pull "
              + settings.model() + ")"));
    }
    return List.of(Finding.ok(
        SUBJECT,
        "openai backend: " + where + " answers and lists the" + " model '" + settings.model()
            + "'"));
  }
}
