package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.media.fake.FakeAudioServer;
import dev.switchboard.media.fake.FakeAudioServer.Reply;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transcription client against a fake OpenAI-compatible server that reads the multipart
 * upload with Jetty's parser: the exact request, the answer, and every failure a user can meet,
 * none of whose messages shows the key.
 */
class TranscriberTest {
  private static final String KEY = "sk-proj-TestKey0123456789abcdefXYZ";
  private static final long MB = 1024L * 1024;

  @TempDir
  Path dir;

  private final FakeAudioServer server = new FakeAudioServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private TranscriptionSettings settings(
      String baseUrl, @Nullable String key, @Nullable String language, Duration timeout, int mb) {
    return new TranscriptionSettings(
        URI.create(baseUrl), "whisper-1", key, language, true, "\uD83C\uDFA4", timeout, mb * MB);
  }

  private TranscriptionSettings settings(@Nullable String key, @Nullable String language) {
    return settings(server.baseUrl(), key, language, Duration.ofSeconds(20), 25);
  }

  private Path voiceNote() throws IOException {
    Path p = dir.resolve("stored-blob");
    Files.write(p, FakeAudioServer.oggOpus());
    return p;
  }

  private VoiceException failure(TranscriptionSettings s, Path audio) {
    try (Transcriber t = new Transcriber(s)) {
      return catchThrowableOfType(
          VoiceException.class, () -> t.transcribe(audio, "audio/ogg", null));
    }
  }

  private static void assertNoKey(VoiceException e) {
    assertThat(e.userMessage() + "\n" + e.getMessage())
        .doesNotContain(KEY)
        .doesNotContain(KEY.substring(8, 20))
        .doesNotContain(KEY.substring(KEY.length() - 8));
  }

  @Test
  void aVoiceNoteGoesUpAsThePublishedMultipartFormAndItsTextComesBack() throws Exception {
    server.requireKey(KEY).transcript("  Hello switchboard, this is a voice note.\n");
    String text;
    try (Transcriber t = new Transcriber(settings(KEY, "en"))) {
      text = t.transcribe(voiceNote(), "audio/ogg", null);
    }
    assertThat(text).isEqualTo("Hello switchboard, this is a voice note.");

    FakeAudioServer.Transcription r = server.transcriptions().getFirst();
    assertThat(r.path()).isEqualTo("/v1/audio/transcriptions");
    assertThat(r.authorization()).isEqualTo("Bearer " + KEY);
    assertThat(r.contentType()).startsWith("multipart/form-data; boundary=");
    // The parts have known lengths, so the upload is not chunked: some servers take no chunks.
    assertThat(r.contentLength()).isNotNull();
    assertThat(r.fields())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("model", "whisper-1", "language", "en", "response_format", "json"));
    assertThat(r.file().fileName()).isEqualTo("audio.ogg");
    assertThat(r.file().contentType()).isEqualTo("audio/ogg");
    assertThat(r.file().bytes()).isEqualTo(FakeAudioServer.oggOpus());
  }

  @Test
  void withoutAKeyOrALanguageNeitherIsSent() throws Exception {
    try (Transcriber t = new Transcriber(settings(null, null))) {
      t.transcribe(voiceNote(), "audio/ogg; codecs=opus", "voice.oga");
    }
    FakeAudioServer.Transcription r = server.transcriptions().getFirst();
    assertThat(r.authorization()).isNull();
    assertThat(r.fields()).containsOnlyKeys("model", "response_format");
    assertThat(r.file().fileName()).isEqualTo("audio.ogg");
  }

  @Test
  void extraFieldsOfTheAnswerAreIgnoredAndAPlainTextAnswerIsTaken() throws Exception {
    server.then(
        Reply.json(200, "{\"text\":\" Groq says hi \",\"x_groq\":{\"id\":\"req_01\"}}"),
        Reply.raw(200, "text/plain; charset=utf-8", "plain words\n".getBytes()),
        Reply.json(200, "{\"text\":\"\"}"));
    try (Transcriber t = new Transcriber(settings(null, null))) {
      assertThat(t.transcribe(voiceNote(), "audio/ogg", null)).isEqualTo("Groq says hi");
      assertThat(t.transcribe(voiceNote(), "audio/ogg", null)).isEqualTo("plain words");
      assertThat(t.transcribe(voiceNote(), "audio/ogg", null)).isEmpty();
    }
  }

  @Test
  void aWrongKeyIsNamedAsTheSettingToCheckAndTheKeyIsNeverShown() throws Exception {
    server.requireKey("sk-the-right-one-0000000000");
    VoiceException e = failure(settings(KEY, null), voiceNote());
    assertThat(e.userMessage())
        .contains("transcription server at " + server.baseUrl())
        .contains("refused the API key (HTTP 401)")
        .contains("stt.api_key (or STT_API_KEY)");
    assertThat(e.getMessage())
        .contains("POST " + server.baseUrl() + "/audio/transcriptions: HTTP 401 (invalid_api_key)")
        .contains("Incorrect API key provided: ****");
    assertNoKey(e);

    VoiceException none = failure(settings(null, null), voiceNote());
    assertThat(none.userMessage()).contains("wants an API key (HTTP 401): set stt.api_key");
  }

  @Test
  void aFileTheServerFindsTooLargeIsAnsweredWith413Clearly() throws Exception {
    Path big = dir.resolve("big.ogg");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.write(FakeAudioServer.oggOpus());
      f.setLength(FakeAudioServer.MAX_UPLOAD + 1);
    }
    VoiceException e =
        failure(settings(server.baseUrl(), KEY, null, Duration.ofSeconds(30), 30), big);
    assertThat(e.userMessage())
        .isEqualTo("The transcription server at " + server.baseUrl()
            + " refused the audio (25.0 MiB) as too large (HTTP 413).");
    assertThat(e.getMessage()).contains("HTTP 413").contains("Maximum content size limit");
    assertNoKey(e);
  }

  @Test
  void aFileOverTheLimitIsRefusedBeforeAnyUpload() throws Exception {
    Path big = dir.resolve("big.ogg");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(3 * MB);
    }
    VoiceException e =
        failure(settings(server.baseUrl(), KEY, null, Duration.ofSeconds(5), 2), big);
    assertThat(e.userMessage())
        .isEqualTo("The audio is 3.0 MiB; the transcription server takes at most 2.0 MiB"
            + " (stt.max_file_mb).");
    assertThat(server.transcriptions()).isEmpty();

    Files.write(big, new byte[0]);
    assertThat(failure(settings(KEY, null), big).userMessage()).contains("empty");
    assertThat(server.transcriptions()).isEmpty();
  }

  @Test
  void aServerErrorIsShownWithItsOwnWordsMasked() throws Exception {
    server.then(Reply.error(
        500, "server_error", null, "The server had an error (key " + KEY + " was fine)."));
    VoiceException e = failure(settings(KEY, null), voiceNote());
    assertThat(e.userMessage())
        .startsWith("The transcription server at " + server.baseUrl() + " failed (HTTP 500): ")
        .contains("The server had an error");
    assertNoKey(e);
  }

  @Test
  void aWrongBaseUrlIsNamed() throws Exception {
    String wrong = server.baseUrl().replace("/v1", "/nope");
    VoiceException e = failure(settings(wrong, KEY, null, Duration.ofSeconds(5), 25), voiceNote());
    assertThat(e.userMessage())
        .isEqualTo("No transcription API at " + wrong + "/audio/transcriptions (HTTP 404): check"
            + " stt.base_url (or SWITCHBOARD_STT_BASE_URL); it usually ends in /v1.");
  }

  @Test
  void anUnknownModelIsNamed() throws Exception {
    server.then(Reply.error(
        404, "invalid_request_error", "model_not_found", "The model 'whisper-9' does not exist"));
    VoiceException e = failure(settings(KEY, null), voiceNote());
    assertThat(e.userMessage())
        .contains("does not know the model 'whisper-1'")
        .contains("stt.model");
  }

  @Test
  void whisperCppWithoutConvertIsToldHowToTakeOggOpus() throws Exception {
    // whisper.cpp's server answers so to audio it cannot decode itself (Opus among them).
    server.then(Reply.json(400, "{\"error\":\"failed to read audio data\"}"));
    VoiceException e = failure(settings(null, null), voiceNote());
    assertThat(e.userMessage())
        .contains("answered HTTP 400: failed to read audio data")
        .contains("start it with --convert");
  }

  @Test
  void aServerThatHangsIsGivenUpOnAfterTheTimeout() throws Exception {
    server.then(Reply.hang());
    long start = System.nanoTime();
    VoiceException e =
        failure(settings(server.baseUrl(), KEY, null, Duration.ofMillis(700), 25), voiceNote());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(e.userMessage())
        .isEqualTo("No answer from the transcription server at " + server.baseUrl()
            + " within 700ms (stt.timeout).");
    assertThat(took).isBetween(Duration.ofMillis(600), Duration.ofSeconds(10));
    assertNoKey(e);
  }

  @Test
  void aServerThatIsNotThereIsNamedWithItsSetting() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    VoiceException e = failure(
        settings("http://127.0.0.1:" + port + "/v1", KEY, null, Duration.ofSeconds(5), 25),
        voiceNote());
    assertThat(e.userMessage())
        .isEqualTo("Cannot reach the transcription server at 127.0.0.1:" + port
            + " (connection refused): is it running? Check stt.base_url (or"
            + " SWITCHBOARD_STT_BASE_URL).");
  }

  @Test
  void anAnswerWithoutTextIsAFailureNotAnEmptyTranscript() throws Exception {
    server.then(
        Reply.json(200, "{\"segments\":[]}"),
        Reply.raw(200, "text/html", "<html>whisper</html>".getBytes()));
    VoiceException noText = failure(settings(KEY, null), voiceNote());
    assertThat(noText.userMessage()).contains("sent an answer without a transcript");
    VoiceException page = failure(settings(KEY, null), voiceNote());
    assertThat(page.userMessage()).contains("a web page instead of a transcript");
  }

  @Test
  void anAnswerLargerThanAnyTranscriptIsNotReadOn() throws Exception {
    server.then(Reply.raw(200, "application/json", new byte[5 * 1024 * 1024]));
    VoiceException e = failure(settings(KEY, null), voiceNote());
    assertThat(e.userMessage())
        .isEqualTo("The transcription server at " + server.baseUrl()
            + " sent more than 4096 KiB; I did not read it.");
  }

  @Test
  void transcriptionOffCannotMakeAClient() {
    assertThat(catchThrowableOfType(
                IllegalArgumentException.class,
                () -> new Transcriber(TranscriptionSettings.DISABLED))
            .getMessage())
        .contains("stt.base_url");
  }
}
