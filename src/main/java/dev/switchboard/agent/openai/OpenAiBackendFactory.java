package dev.switchboard.agent.openai;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentBackendFactory;
import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code openai} backend: any server that speaks OpenAI's Chat Completions API (OpenAI,
 * Ollama, vLLM, llama.cpp, LM Studio, OpenRouter). Setting its base URL alone selects it.
 */
public final class OpenAiBackendFactory implements AgentBackendFactory {
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

  public static final ConfigKey<String> BASE_URL = ConfigKey.optional(
      "agent.openai.base_url",
      "OPENAI_BASE_URL",
      ValueType.string(),
      DEFAULT_BASE_URL,
      "Base URL of the OpenAI-compatible API; /chat/completions is appended. Setting it selects"
          + " this backend.");

  public static final ConfigKey<String> API_KEY = ConfigKey.secret(
      "agent.openai.api_key",
      "OPENAI_API_KEY",
      false,
      "API key sent as a bearer token; not needed by a local server such as Ollama.");

  public static final ConfigKey<String> MODEL = ConfigKey.optional(
      "agent.openai.model",
      "SWITCHBOARD_MODEL",
      ValueType.string(),
      null,
      "The model a session uses until it picks another with /model; required.");

  public static final ConfigKey<List<String>> MODELS = ConfigKey.optional(
      "agent.openai.models",
      "SWITCHBOARD_OPENAI_MODELS",
      ValueType.stringList(),
      List.of(),
      "Models a session may pick with /model.");

  public static final ConfigKey<Double> TEMPERATURE = ConfigKey.optional(
      "agent.openai.temperature",
      "SWITCHBOARD_OPENAI_TEMPERATURE",
      ValueType.decimal(0, 2),
      null,
      "Sampling temperature; the server's default when unset.");

  public static final ConfigKey<Integer> MAX_TOKENS = ConfigKey.optional(
      "agent.openai.max_tokens",
      "SWITCHBOARD_OPENAI_MAX_TOKENS",
      ValueType.integer(1, 10_000_000),
      null,
      "Most tokens of one reply; the server's default when unset.");

  public static final ConfigKey<String> SYSTEM_PROMPT = ConfigKey.optional(
      "agent.openai.system_prompt",
      "SWITCHBOARD_OPENAI_SYSTEM_PROMPT",
      ValueType.string(),
      null,
      "System prompt sent first in every request.");

  public static final ConfigKey<Integer> CONTEXT_TOKENS = ConfigKey.optional(
      "agent.openai.context_tokens",
      "SWITCHBOARD_OPENAI_CONTEXT_TOKENS",
      ValueType.integer(256, 100_000_000),
      8000,
      "Estimated token budget of a request; the oldest history is dropped to fit.");

  public static final ConfigKey<Integer> MAX_RETRIES = ConfigKey.optional(
      "agent.openai.max_retries",
      "SWITCHBOARD_OPENAI_MAX_RETRIES",
      ValueType.integer(0, 10),
      3,
      "Retries of a request the server answered with 429 or 5xx.");

  public static final ConfigKey<Boolean> STREAM = ConfigKey.optional(
      "agent.openai.stream",
      "SWITCHBOARD_OPENAI_STREAM",
      ValueType.bool(),
      true,
      "Stream replies as they are generated.");

  public static final ConfigKey<Duration> CONNECT_TIMEOUT = ConfigKey.optional(
      "agent.openai.connect_timeout",
      "SWITCHBOARD_OPENAI_CONNECT_TIMEOUT",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofMinutes(5)),
      Duration.ofSeconds(10),
      "How long connecting to the server may take.");

  public static final ConfigKey<Duration> IDLE_TIMEOUT = ConfigKey.optional(
      "agent.openai.idle_timeout",
      "SWITCHBOARD_OPENAI_IDLE_TIMEOUT",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(1)),
      Duration.ofSeconds(60),
      "Longest silence of a streamed reply before the turn fails.");

  public static final ConfigKey<Duration> TURN_TIMEOUT = ConfigKey.optional(
      "agent.openai.turn_timeout",
      "SWITCHBOARD_OPENAI_TURN_TIMEOUT",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(24)),
      Duration.ofMinutes(10),
      "Longest a whole turn may take, retries included.");

  /** Whether images the user sends reach the model as image parts. */
  public enum Vision {
    /** Send them; if the server says the model takes no images, send that turn again without. */
    AUTO,
    ON,
    OFF
  }

  public static final ConfigKey<Vision> VISION = ConfigKey.optional(
      "agent.openai.vision",
      "SWITCHBOARD_OPENAI_VISION",
      ValueType.choice(Vision.class),
      Vision.AUTO,
      "Send the user's images to the model: auto (send them; if the model refuses images, say"
          + " so once and send text alone from then on), on (always) or off (never).");

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(
        BASE_URL,
        API_KEY,
        MODEL,
        MODELS,
        TEMPERATURE,
        MAX_TOKENS,
        SYSTEM_PROMPT,
        CONTEXT_TOKENS,
        MAX_RETRIES,
        STREAM,
        VISION,
        CONNECT_TIMEOUT,
        IDLE_TIMEOUT,
        TURN_TIMEOUT);
  }

  /** Setting the base URL (OPENAI_BASE_URL) is enough to pick this backend. */
  @Override
  public boolean selectedWhenUnset(Config config) {
    return config.isSet(BASE_URL);
  }

  @Override
  public AgentBackend create(Config config) {
    return new OpenAiBackend(settings(config));
  }

  @Override
  public List<Finding> diagnose(Config config, Path home) throws InterruptedException {
    return new ModelsProbe(settings(config)).check();
  }

  static OpenAiSettings settings(Config config) {
    URI base = baseUrl(config.get(BASE_URL));
    String model = config.get(MODEL);
    if (model == null) {
      throw new ConfigException(
          MODEL.path(),
          "the openai backend needs a model: set " + MODEL.where()
              + ", for example llama3.2 (Ollama) or gpt-4o-mini (OpenAI)");
    }
    List<String> models = new ArrayList<>(config.get(MODELS));
    if (!models.isEmpty() && !models.contains(model)) {
      models.addFirst(model);
    }
    return new OpenAiSettings(
        base,
        config.get(API_KEY),
        model,
        models,
        config.get(TEMPERATURE),
        config.get(MAX_TOKENS),
        config.get(SYSTEM_PROMPT),
        config.get(CONTEXT_TOKENS),
        config.get(MAX_RETRIES),
        config.get(STREAM),
        config.get(VISION),
        config.get(CONNECT_TIMEOUT),
        config.get(IDLE_TIMEOUT),
        config.get(TURN_TIMEOUT),
        Duration.ofMillis(500));
  }

  /** An absolute http(s) URL with a host; the trailing slash is dropped. Never echoes it whole. */
  static URI baseUrl(String raw) {
    String expected = "expected an http or https URL such as http://localhost:11434/v1";
    URI uri;
    try {
      uri = new URI(raw.strip());
    } catch (URISyntaxException e) {
      throw new ConfigException(BASE_URL.path(), "not a URL; " + expected);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new ConfigException(BASE_URL.path(), "not an http(s) URL with a host; " + expected);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigException(BASE_URL.path(), "must not have a query or fragment; " + expected);
    }
    if (uri.getRawUserInfo() != null) {
      throw new ConfigException(
          BASE_URL.path(), "must not contain credentials; put the key in " + API_KEY.where());
    }
    String s = uri.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return URI.create(s);
  }
}
