package dev.switchboard.media;

import dev.switchboard.common.RedactedRecord;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Text to speech: where replies are spoken for sessions that turned {@code /voice on} (any
 * server that speaks OpenAI's {@code POST /audio/speech}). Off until {@code tts.base_url} is
 * set.
 *
 * @param baseUrl without a trailing slash; null when speech is off
 * @param apiKey sent as a bearer token; null for a server that needs none
 * @param maxChars the most characters of a reply spoken; the rest is left to the text reply
 * @param timeout the longest one request may take, download of the audio included
 */
public record SpeechSettings(
    @Nullable URI baseUrl,
    String model,
    String voice,
    @Nullable String apiKey,
    int maxChars,
    Duration timeout) {
  /** OpenAI's limit on {@code input}: a longer one is answered 400. */
  private static final int DEFAULT_MAX_CHARS = 4096;

  private static final String DEFAULT_MODEL = "tts-1";
  private static final String DEFAULT_VOICE = "alloy";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public static final ConfigKey<String> BASE_URL = ConfigKey.optional(
      "tts.base_url",
      "SWITCHBOARD_TTS_BASE_URL",
      ValueType.string(),
      null,
      "Base URL of an OpenAI-compatible text-to-speech API; /audio/speech is appended. /voice on"
          + " works only when it is set.");

  public static final ConfigKey<String> API_KEY = ConfigKey.secret(
      "tts.api_key",
      "TTS_API_KEY",
      false,
      "API key of the text-to-speech server, sent as a bearer token; not needed by a local"
          + " server.");

  public static final ConfigKey<String> MODEL = ConfigKey.optional(
      "tts.model", "SWITCHBOARD_TTS_MODEL", ValueType.string(), DEFAULT_MODEL, "The speech model.");

  public static final ConfigKey<String> VOICE = ConfigKey.optional(
      "tts.voice",
      "SWITCHBOARD_TTS_VOICE",
      ValueType.string(),
      DEFAULT_VOICE,
      "The voice replies are spoken in.");

  public static final ConfigKey<Integer> MAX_CHARS = ConfigKey.optional(
      "tts.max_chars",
      "SWITCHBOARD_TTS_MAX_CHARS",
      ValueType.integer(100, 100_000),
      DEFAULT_MAX_CHARS,
      "The most characters of a reply spoken; a longer reply is cut at a sentence end (the text"
          + " reply has all of it). OpenAI takes 4096.");

  public static final ConfigKey<Duration> TIMEOUT = ConfigKey.optional(
      "tts.timeout",
      "SWITCHBOARD_TTS_TIMEOUT",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofMinutes(30)),
      DEFAULT_TIMEOUT,
      "The longest one speech request may take.");

  /** Speech off: what {@link #from} makes of a configuration without tts.base_url. */
  public static final SpeechSettings DISABLED = new SpeechSettings(
      null, DEFAULT_MODEL, DEFAULT_VOICE, null, DEFAULT_MAX_CHARS, DEFAULT_TIMEOUT);

  public SpeechSettings {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(voice, "voice");
    Objects.requireNonNull(timeout, "timeout");
  }

  public static List<ConfigKey<?>> configKeys() {
    return List.of(BASE_URL, API_KEY, MODEL, VOICE, MAX_CHARS, TIMEOUT);
  }

  /** The settings, checked; a {@code ConfigException} names the setting at fault. */
  public static SpeechSettings from(Config config) {
    String raw = config.get(BASE_URL);
    return new SpeechSettings(
        raw == null ? null : AudioBaseUrl.parse(BASE_URL, API_KEY, raw),
        config.get(MODEL),
        config.get(VOICE),
        config.get(API_KEY),
        config.get(MAX_CHARS),
        config.get(TIMEOUT));
  }

  /** Whether replies can be spoken at all. */
  public boolean enabled() {
    return baseUrl != null;
  }

  /** Without the API key. */
  @Override
  public String toString() {
    return RedactedRecord.toString(this, Set.of("apiKey"));
  }
}
