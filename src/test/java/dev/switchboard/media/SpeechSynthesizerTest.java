package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.media.fake.FakeAudioServer;
import dev.switchboard.media.fake.FakeAudioServer.Reply;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The speech client against a fake OpenAI-compatible server: the exact JSON request, the audio
 * that comes back told by its bytes, the cut of a long reply, and the failures, none of whose
 * messages shows the key.
 */
class SpeechSynthesizerTest {
  private static final String KEY = "sk-proj-SpeechKey9876543210zyxwvuABC";

  private final FakeAudioServer server = new FakeAudioServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private SpeechSettings settings(@Nullable String key, int maxChars, Duration timeout) {
    return new SpeechSettings(
        URI.create(server.baseUrl()), "tts-1", "alloy", key, maxChars, timeout);
  }

  private SpeechSettings settings(@Nullable String key) {
    return settings(key, 4096, Duration.ofSeconds(20));
  }

  private VoiceException failure(SpeechSettings s, String text) {
    try (SpeechSynthesizer tts = new SpeechSynthesizer(s)) {
      return catchThrowableOfType(
          VoiceException.class, () -> tts.speak(text, AudioFormat.OGG_OPUS));
    }
  }

  private static void assertNoKey(VoiceException e) {
    assertThat(e.userMessage() + "\n" + e.getMessage())
        .doesNotContain(KEY)
        .doesNotContain(KEY.substring(8, 20))
        .doesNotContain(KEY.substring(KEY.length() - 8));
  }

  @Test
  void aReplyIsSpokenAsOggOpusForAVoiceNote() throws Exception {
    server.requireKey(KEY);
    SpeechSynthesizer.Speech speech;
    try (SpeechSynthesizer tts = new SpeechSynthesizer(settings(KEY))) {
      speech = tts.speak("  Hello there!  ", AudioFormat.OGG_OPUS);
    }
    FakeAudioServer.Speech r = server.speeches().getFirst();
    assertThat(r.path()).isEqualTo("/v1/audio/speech");
    assertThat(r.authorization()).isEqualTo("Bearer " + KEY);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(r.body().toString())
        .isEqualTo("{\"model\":\"tts-1\",\"input\":\"Hello there!\",\"voice\":\"alloy\","
            + "\"response_format\":\"opus\"}");
    assertThat(speech.audio()).isEqualTo(FakeAudioServer.oggOpus());
    assertThat(speech.format()).isEqualTo(AudioFormat.OGG_OPUS);
    assertThat(speech.fileName()).isEqualTo("reply.ogg");
    assertThat(speech.spokenText()).isEqualTo("Hello there!");
    assertThat(speech.cut()).isFalse();
  }

  @Test
  void mp3IsAskedForByNameAndRecognised() throws Exception {
    SpeechSynthesizer.Speech speech;
    try (SpeechSynthesizer tts = new SpeechSynthesizer(settings(null))) {
      speech = tts.speak("Hi.", AudioFormat.MP3);
    }
    FakeAudioServer.Speech r = server.speeches().getFirst();
    assertThat(r.authorization()).isNull();
    assertThat(r.body().path("response_format").stringValue()).isEqualTo("mp3");
    assertThat(speech.format()).isEqualTo(AudioFormat.MP3);
    assertThat(speech.fileName()).isEqualTo("reply.mp3");
  }

  @Test
  void aServerThatIgnoresTheAskedFormatIsReportedAsWhatItSent() throws Exception {
    byte[] wav = new byte[64];
    System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, wav, 0, 4);
    System.arraycopy("WAVE".getBytes(StandardCharsets.US_ASCII), 0, wav, 8, 4);
    server.then(Reply.raw(200, "audio/ogg", wav));
    SpeechSynthesizer.Speech speech;
    try (SpeechSynthesizer tts = new SpeechSynthesizer(settings(null))) {
      speech = tts.speak("Hi.", AudioFormat.OGG_OPUS);
    }
    assertThat(speech.format()).isEqualTo(AudioFormat.WAV);
  }

  @Test
  void aLongReplyIsCutAtASentenceEndWithinTheLimit() throws Exception {
    String sentence = "A sentence of just fifty-one characters, all said. ";
    assertThat(sentence).hasSize(51);
    String reply = sentence.repeat(100);
    SpeechSynthesizer.Speech speech;
    try (SpeechSynthesizer tts = new SpeechSynthesizer(settings(null))) {
      speech = tts.speak(reply, AudioFormat.OGG_OPUS);
    }
    String sent = server.speeches().getFirst().body().path("input").stringValue();
    // 80 whole sentences fit in 4,096 characters; the 81st would end at 4,131.
    assertThat(sent).isEqualTo(sentence.repeat(80).strip());
    assertThat(speech.spokenText()).isEqualTo(sent);
    assertThat(speech.cut()).isTrue();
  }

  @Test
  void aWrongKeyIsNamedAndNeverShown() {
    server.requireKey("sk-another-key-000000000000");
    VoiceException e = failure(settings(KEY), "Hello.");
    assertThat(e.userMessage())
        .isEqualTo("The speech server at " + server.baseUrl()
            + " refused the API key (HTTP 401): check tts.api_key (or TTS_API_KEY).");
    assertThat(e.getMessage()).contains("POST " + server.baseUrl() + "/audio/speech: HTTP 401");
    assertNoKey(e);
  }

  @Test
  void serverErrorsAndRateLimitsAreClear() {
    server.then(
        Reply.error(500, "server_error", null, "The server had an error processing your request."),
        Reply.error(429, "requests", "rate_limit_exceeded", "Rate limit reached for tts-1"),
        Reply.error(429, "insufficient_quota", "insufficient_quota", "You exceeded your quota."));
    assertThat(failure(settings(KEY), "Hello.").userMessage())
        .isEqualTo("The speech server at " + server.baseUrl() + " failed (HTTP 500): The server"
            + " had an error processing your request.");
    assertThat(failure(settings(KEY), "Hello.").userMessage())
        .contains("is rate-limiting requests (HTTP 429)");
    assertThat(failure(settings(KEY), "Hello.").userMessage())
        .startsWith("The API account of the speech server has run out of quota");
  }

  @Test
  void anAnswerThatIsNotAudioIsAFailure() {
    server.then(
        Reply.json(200, "{\"status\":\"queued\"}"), Reply.raw(200, "audio/ogg", new byte[0]));
    VoiceException json = failure(settings(KEY), "Hello.");
    assertThat(json.userMessage())
        .contains("sent something that is not audio I know (application/json)");
    assertThat(json.getMessage()).contains("{\"status\":\"queued\"}");
    assertThat(failure(settings(KEY), "Hello.").userMessage()).contains("sent no audio");
  }

  @Test
  void aServerThatStallsMidAnswerIsGivenUpOnAfterTheTimeout() {
    server.then(Reply.stallAfterHeaders("audio/ogg"));
    long start = System.nanoTime();
    VoiceException e = failure(settings(KEY, 4096, Duration.ofMillis(700)), "Hello.");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(e.userMessage())
        .isEqualTo("No answer from the speech server at " + server.baseUrl()
            + " within 700ms (tts.timeout).");
    assertThat(took).isBetween(Duration.ofMillis(600), Duration.ofSeconds(10));
  }

  @Test
  void blankTextAndSpeechOffAreProgrammingErrors() {
    try (SpeechSynthesizer tts = new SpeechSynthesizer(settings(null))) {
      assertThat(catchThrowableOfType(
              IllegalArgumentException.class, () -> tts.speak(" \n", AudioFormat.MP3)))
          .isNotNull();
    }
    assertThat(catchThrowableOfType(
                IllegalArgumentException.class,
                () -> new SpeechSynthesizer(SpeechSettings.DISABLED))
            .getMessage())
        .contains("tts.base_url");
    assertThat(server.speeches()).isEmpty();
  }
}
