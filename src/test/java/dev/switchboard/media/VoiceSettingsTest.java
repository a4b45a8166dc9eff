package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stt.* and tts.* settings as the gateway loads them from the environment: their defaults,
 * voice off without a base URL, and a clear error naming the setting for each bad value, with
 * no key in it.
 */
class VoiceSettingsTest {
  private static final String KEY = "gsk_VoiceSettingsKey0123456789";

  @TempDir
  Path home;

  private Config load(Map<String, String> env) {
    List<ConfigKey<?>> keys = new ArrayList<>(TranscriptionSettings.configKeys());
    keys.addAll(SpeechSettings.configKeys());
    return new ConfigLoader(ConfigSchema.of(keys)).load(home, env);
  }

  private ConfigException fails(Map<String, String> env) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> {
      Config c = load(env);
      TranscriptionSettings.from(c);
      SpeechSettings.from(c);
    });
    assertThat(e).as("failure for " + env).isNotNull();
    assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("secretpw");
    return e;
  }

  @Test
  void voiceIsOffUntilABaseUrlIsSet() {
    Config c = load(Map.of());
    assertThat(TranscriptionSettings.from(c)).isEqualTo(TranscriptionSettings.DISABLED);
    assertThat(SpeechSettings.from(c)).isEqualTo(SpeechSettings.DISABLED);
    assertThat(TranscriptionSettings.DISABLED.enabled()).isFalse();
    assertThat(SpeechSettings.DISABLED.enabled()).isFalse();
  }

  @Test
  void theEnvironmentSetsEverythingAndTheKeysAreSecrets() {
    Config c = load(Map.ofEntries(
        Map.entry("SWITCHBOARD_STT_BASE_URL", "https://api.groq.com/openai/v1/"),
        Map.entry("STT_API_KEY", KEY),
        Map.entry("SWITCHBOARD_STT_MODEL", "whisper-large-v3-turbo"),
        Map.entry("SWITCHBOARD_STT_LANGUAGE", "DE"),
        Map.entry("SWITCHBOARD_STT_SHOW_TRANSCRIPT", "false"),
        Map.entry("SWITCHBOARD_STT_TRANSCRIPT_PREFIX", "Heard:"),
        Map.entry("SWITCHBOARD_STT_TIMEOUT", "45s"),
        Map.entry("SWITCHBOARD_STT_MAX_FILE_MB", "100"),
        Map.entry("SWITCHBOARD_TTS_BASE_URL", "http://127.0.0.1:8880/v1"),
        Map.entry("TTS_API_KEY", KEY + "tts"),
        Map.entry("SWITCHBOARD_TTS_MODEL", "gpt-4o-mini-tts"),
        Map.entry("SWITCHBOARD_TTS_VOICE", "coral"),
        Map.entry("SWITCHBOARD_TTS_MAX_CHARS", "2000"),
        Map.entry("SWITCHBOARD_TTS_TIMEOUT", "2m")));
    TranscriptionSettings stt = TranscriptionSettings.from(c);
    assertThat(stt.enabled()).isTrue();
    assertThat(stt.baseUrl()).hasToString("https://api.groq.com/openai/v1");
    assertThat(stt.apiKey()).isEqualTo(KEY);
    assertThat(stt.model()).isEqualTo("whisper-large-v3-turbo");
    assertThat(stt.language()).isEqualTo("de");
    assertThat(stt.showTranscript()).isFalse();
    assertThat(stt.shownTranscript(" hi there ")).isEqualTo("Heard: hi there");
    assertThat(stt.timeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(stt.maxFileBytes()).isEqualTo(100L * 1024 * 1024);
    SpeechSettings tts = SpeechSettings.from(c);
    assertThat(tts.baseUrl()).hasToString("http://127.0.0.1:8880/v1");
    assertThat(tts.apiKey()).isEqualTo(KEY + "tts");
    assertThat(tts.model()).isEqualTo("gpt-4o-mini-tts");
    assertThat(tts.voice()).isEqualTo("coral");
    assertThat(tts.maxChars()).isEqualTo(2000);
    assertThat(tts.timeout()).isEqualTo(Duration.ofMinutes(2));

    assertThat(stt.toString()).doesNotContain(KEY);
    assertThat(tts.toString()).doesNotContain(KEY);
    assertThat(c.secretValues()).containsExactlyInAnyOrder(KEY, KEY + "tts");
  }

  @Test
  void theDefaultsAreOpenAisModelsAndLimits() {
    Config c = load(Map.of(
        "SWITCHBOARD_STT_BASE_URL", "https://api.openai.com/v1",
        "SWITCHBOARD_TTS_BASE_URL", "https://api.openai.com/v1"));
    TranscriptionSettings stt = TranscriptionSettings.from(c);
    assertThat(stt.model()).isEqualTo("whisper-1");
    assertThat(stt.apiKey()).isNull();
    assertThat(stt.language()).isNull();
    assertThat(stt.showTranscript()).isTrue();
    assertThat(stt.shownTranscript("hello")).isEqualTo("\uD83C\uDFA4 hello");
    assertThat(stt.maxFileBytes()).isEqualTo(25L * 1024 * 1024);
    assertThat(stt.timeout()).isEqualTo(Duration.ofMinutes(2));
    SpeechSettings tts = SpeechSettings.from(c);
    assertThat(tts.model()).isEqualTo("tts-1");
    assertThat(tts.voice()).isEqualTo("alloy");
    assertThat(tts.maxChars()).isEqualTo(4096);
    assertThat(tts.timeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void eachBadValueIsRefusedNamingItsSetting() {
    assertThat(fails(Map.of("SWITCHBOARD_STT_BASE_URL", "ftp://files.example")).getMessage())
        .contains("stt.base_url")
        .contains("not an http(s) URL");
    assertThat(fails(Map.of("SWITCHBOARD_STT_BASE_URL", "https://x.example/v1?key=" + KEY))
            .getMessage())
        .contains("stt.base_url")
        .contains("query");
    assertThat(fails(Map.of("SWITCHBOARD_TTS_BASE_URL", "https://me:secretpw@tts.example/v1"))
            .getMessage())
        .contains("tts.base_url")
        .contains("must not contain credentials; put the key in tts.api_key (or TTS_API_KEY)");
    assertThat(fails(Map.of("SWITCHBOARD_TTS_BASE_URL", "not a url")).getMessage())
        .contains("tts.base_url");
    assertThat(fails(Map.of("SWITCHBOARD_STT_LANGUAGE", "English")).getMessage())
        .contains("stt.language")
        .contains("ISO-639-1")
        .contains("'English'");
    // A value of the wrong type is named by where it came from, here its variable.
    for (String variable : List.of(
        "SWITCHBOARD_STT_MAX_FILE_MB=0",
        "SWITCHBOARD_STT_TIMEOUT=soon",
        "SWITCHBOARD_STT_SHOW_TRANSCRIPT=maybe",
        "SWITCHBOARD_STT_TRANSCRIPT_PREFIX= ",
        "SWITCHBOARD_STT_MODEL=",
        "STT_API_KEY=",
        "SWITCHBOARD_TTS_MODEL=",
        "SWITCHBOARD_TTS_VOICE=",
        "SWITCHBOARD_TTS_MAX_CHARS=99",
        "SWITCHBOARD_TTS_TIMEOUT=0s",
        "TTS_API_KEY= ")) {
      String[] kv = variable.split("=", 2);
      assertThat(fails(Map.of(kv[0], kv[1])).getMessage())
          .startsWith(kv[0] + ": ")
          .contains("expected");
    }
  }
}
