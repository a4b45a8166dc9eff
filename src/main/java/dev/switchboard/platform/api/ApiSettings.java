package dev.switchboard.platform.api;

import dev.switchboard.common.RedactedRecord;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Settings of the OpenAI-compatible API server, all under {@code platforms.api.}. */
record ApiSettings(String key, int requestsPerMinute, String modelName, Duration turnTimeout) {
  static final ConfigKey<Boolean> ENABLED = ConfigKey.optional(
      "platforms.api.enabled",
      "API_SERVER_ENABLED",
      ValueType.bool(),
      null,
      "Turn the OpenAI-compatible API on or off; by default it is on when a key is set.");
  static final ConfigKey<String> KEY = ConfigKey.secret(
      "platforms.api.key",
      "API_SERVER_KEY",
      false,
      "Bearer key that clients of /v1/chat/completions must send. Setting it enables"
          + " the API; at least 32 characters.");
  static final ConfigKey<Integer> RATE = ConfigKey.optional(
      "platforms.api.requests_per_minute",
      "API_SERVER_REQUESTS_PER_MINUTE",
      ValueType.integer(1, 100_000),
      60,
      "Requests per minute allowed per key (a burst of that many, refilled evenly); more get"
          + " 429 with Retry-After.");
  static final ConfigKey<String> MODEL = ConfigKey.optional(
      "platforms.api.model_name",
      "API_SERVER_MODEL_NAME",
      ValueType.string(),
      "switchboard",
      "The model id /v1/models lists and responses name.");
  static final ConfigKey<Duration> TIMEOUT = ConfigKey.optional(
      "platforms.api.turn_timeout",
      "API_SERVER_TURN_TIMEOUT",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(2)),
      Duration.ofMinutes(5),
      "Longest a request waits for the agent's answer before it gets 504 (and the turn is"
          + " stopped); below the 10 min after which OpenAI's client libraries give up and retry.");
  static final int MIN_KEY_CHARS = 32;

  static List<ConfigKey<?>> keys() {
    return List.of(ENABLED, KEY, RATE, MODEL, TIMEOUT);
  }

  static ApiSettings from(Config config) {
    String key = config.get(KEY);
    if (key == null || key.isBlank()) {
      throw new ConfigException(
          KEY.path(),
          "the API is enabled but no"
              + " key is set; set API_SERVER_KEY to a random string of at least " + MIN_KEY_CHARS
              + " characters (e.g. openssl rand -hex 32)");
    }
    if (key.strip().length() < MIN_KEY_CHARS) {
      throw new ConfigException(
          KEY.path(),
          "the key has "
              + key.strip().length() + " characters; use at least " + MIN_KEY_CHARS
              + " (e.g. openssl rand -hex 32)");
    }
    return new ApiSettings(key.strip(), config.get(RATE), config.get(MODEL), config.get(TIMEOUT));
  }

  /** Without the key clients authenticate with. */
  @Override
  public String toString() {
    return RedactedRecord.toString(this, Set.of("key"));
  }
}
