package dev.switchboard.media;

import dev.switchboard.common.RedactedRecord;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Speech to text: where voice notes and audio files are transcribed (any server that speaks
 * OpenAI's {@code POST /audio/transcriptions}: OpenAI, Groq, a local whisper server), and how
 * the transcript is shown to the user. Off until {@code stt.base_url} is set.
 *
 * @param baseUrl without a trailing slash; null when transcription is off
 * @param apiKey sent as a bearer token; null for a server that needs none
 * @param language the spoken language as an ISO-639-1 code, or null to let the model detect it
 * @param showTranscript whether the user is shown what was heard
 * @param transcriptPrefix what the shown transcript starts with
 * @param timeout the longest one transcription may take, upload included
 * @param maxFileBytes the largest file sent; a larger one is refused before any upload
 */
public record TranscriptionSettings(
    @Nullable URI baseUrl,
    String model,
    @Nullable String apiKey,
    @Nullable String language,
    boolean showTranscript,
    String transcriptPrefix,
    Duration timeout,
    long maxFileBytes) {
  private static final long MB = 1024L * 1024;
  private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");
  /** OpenAI's limit: a larger upload is answered 413. */
  private static final int DEFAULT_MAX_FILE_MB = 25;

  private static final String DEFAULT_MODEL = "whisper-1";
  private static final String DEFAULT_PREFIX = "\uD83C\uDFA4"; // 🎤
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  public static final ConfigKey<String> BASE_URL = ConfigKey.optional(
      "stt.base_url",
      "SWITCHBOARD_STT_BASE_URL",
      ValueType.string(),
      null,
      "Base URL of an OpenAI-compatible speech-to-text API; /audio/transcriptions is appended."
          + " Voice notes are transcribed only when it is set.");

  public static final ConfigKey<String> API_KEY = ConfigKey.secret(
      "stt.api_key",
      "STT_API_KEY",
      false,
      "API key of the speech-to-text server, sent as a bearer token; not needed by a local"
          + " whisper server.");

  public static final ConfigKey<String> MODEL = ConfigKey.optional(
      "stt.model",
      "SWITCHBOARD_STT_MODEL",
      ValueType.string(),
      DEFAULT_MODEL,
      "The transcription model.");

  public static final ConfigKey<String> LANGUAGE_KEY = ConfigKey.optional(
      "stt.language",
      "SWITCHBOARD_STT_LANGUAGE",
      ValueType.string(),
      null,
      "The language spoken in voice notes (ISO-639-1, such as en); the model detects it when"
          + " unset.");

  public static final ConfigKey<Boolean> SHOW_TRANSCRIPT = ConfigKey.optional(
      "stt.show_transcript",
      "SWITCHBOARD_STT_SHOW_TRANSCRIPT",
      ValueType.bool(),
      true,
      "Show the user what was heard in a voice note before the agent answers.");

  public static final ConfigKey<String> TRANSCRIPT_PREFIX = ConfigKey.optional(
      "stt.transcript_prefix",
      "SWITCHBOARD_STT_TRANSCRIPT_PREFIX",
      ValueType.string(),
      DEFAULT_PREFIX,
      "What the shown transcript starts with.");

  public static final ConfigKey<Duration> TIMEOUT = ConfigKey.optional(
      "stt.timeout",
      "SWITCHBOARD_STT_TIMEOUT",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofMinutes(30)),
      DEFAULT_TIMEOUT,
      "The longest one transcription may take, upload included.");

  public static final ConfigKey<Integer> MAX_FILE_MB = ConfigKey.optional(
      "stt.max_file_mb",
      "SWITCHBOARD_STT_MAX_FILE_MB",
      ValueType.integer(1, 2048),
      DEFAULT_MAX_FILE_MB,
      "The largest audio file (MiB) sent for transcription; OpenAI and Groq take 25.");

  /** Transcription off: what {@link #from} makes of a configuration without stt.base_url. */
  public static final TranscriptionSettings DISABLED = new TranscriptionSettings(
      null,
      DEFAULT_MODEL,
      null,
      null,
      true,
      DEFAULT_PREFIX,
      DEFAULT_TIMEOUT,
      DEFAULT_MAX_FILE_MB * MB);

  public TranscriptionSettings {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(transcriptPrefix, "transcriptPrefix");
    Objects.requireNonNull(timeout, "timeout");
  }

  public static List<ConfigKey<?>> configKeys() {
    return List.of(
        BASE_URL,
        API_KEY,
        MODEL,
        LANGUAGE_KEY,
        SHOW_TRANSCRIPT,
        TRANSCRIPT_PREFIX,
        TIMEOUT,
        MAX_FILE_MB);
  }

  /** The settings, checked; a {@link ConfigException} names the setting at fault. */
  public static TranscriptionSettings from(Config config) {
    String raw = config.get(BASE_URL);
    URI base = raw == null ? null : AudioBaseUrl.parse(BASE_URL, API_KEY, raw);
    String rawLanguage = config.get(LANGUAGE_KEY);
    String language = rawLanguage == null ? null : rawLanguage.toLowerCase(Locale.ROOT);
    if (language != null && !LANGUAGE.matcher(language).matches()) {
      throw new ConfigException(
          LANGUAGE_KEY.path(),
          "expected a language code such as en or de (ISO-639-1), got "
              + ValueType.show(rawLanguage));
    }
    return new TranscriptionSettings(
        base,
        config.get(MODEL),
        config.get(API_KEY),
        language,
        config.get(SHOW_TRANSCRIPT),
        config.get(TRANSCRIPT_PREFIX),
        config.get(TIMEOUT),
        config.get(MAX_FILE_MB) * MB);
  }

  /** Whether voice notes are transcribed at all. */
  public boolean enabled() {
    return baseUrl != null;
  }

  /** The line that shows the user what was heard: "🎤 hello there". */
  public String shownTranscript(String transcript) {
    return transcriptPrefix + " " + transcript.strip();
  }

  /** Without the API key. */
  @Override
  public String toString() {
    return RedactedRecord.toString(this, Set.of("apiKey"));
  }
}
