package dev.switchboard.media;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a voice note into text through an OpenAI-compatible {@code POST /audio/transcriptions}:
 * a {@code multipart/form-data} upload of {@code file}, {@code model}, {@code language} (when
 * set) and {@code response_format=json}, answered with {@code {"text": "..."}} (OpenAI, Groq,
 * whisper.cpp's server, faster-whisper-server and LocalAI all answer so; extra fields such as
 * {@code usage} or {@code segments} are ignored). A server that answers plain text anyway is
 * taken at its word.
 *
 * <p>Thread-safe; one instance serves the whole gateway. Each call blocks (a virtual thread is
 * the place for it) for at most {@code stt.timeout}.
 */
public final class Transcriber implements AutoCloseable {
  static final String PATH = "/audio/transcriptions";
  /** A transcript of even hours of speech is far smaller; more is not a transcript. */
  private static final long MAX_ANSWER_BYTES = 4L * 1024 * 1024;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final TranscriptionSettings settings;
  private final AudioApi api;

  /** For settings whose {@link TranscriptionSettings#enabled()} is true. */
  public Transcriber(TranscriptionSettings settings) {
    if (settings.baseUrl() == null) {
      throw new IllegalArgumentException(
          "transcription is off: " + TranscriptionSettings.BASE_URL.path() + " is not set");
    }
    this.settings = settings;
    this.api = new AudioApi(
        "transcription",
        settings.baseUrl(),
        PATH,
        settings.apiKey(),
        settings.model(),
        settings.timeout(),
        new AudioApi.Keys(
            TranscriptionSettings.BASE_URL,
            TranscriptionSettings.API_KEY,
            TranscriptionSettings.MODEL,
            TranscriptionSettings.TIMEOUT));
  }

  /**
   * What is said in an audio file.
   *
   * @param mimeType as the platform states it ({@code audio/ogg} for a Telegram voice note)
   * @param fileName the sender's file name, or null; only its extension is used, when the type
   *     says nothing
   * @return the transcript without surrounding white space; empty when nothing was heard
   */
  public String transcribe(Path audio, String mimeType, @Nullable String fileName)
      throws VoiceException, InterruptedException {
    long size;
    try {
      size = Files.size(audio);
    } catch (IOException e) {
      throw new VoiceException(
          "I could not read the audio file to transcribe it.",
          "transcription: cannot read " + audio + ": " + e,
          e);
    }
    if (size == 0) {
      throw new VoiceException(
          "The audio file is empty; there is nothing to transcribe.",
          "transcription: " + audio + " is empty",
          null);
    }
    if (size > settings.maxFileBytes()) {
      throw new VoiceException(
          "The audio is " + mib(size) + "; the transcription server takes at most "
              + mib(settings.maxFileBytes()) + " (" + TranscriptionSettings.MAX_FILE_MB.path()
              + ").",
          "transcription: " + audio + " has " + size + " bytes, more than "
              + TranscriptionSettings.MAX_FILE_MB.path(),
          null);
    }
    AudioUpload upload = AudioUpload.of(mimeType, fileName);
    MultipartBody body = new MultipartBody();
    try {
      body.file("file", upload.fileName(), upload.contentType(), audio);
    } catch (IOException e) {
      throw new VoiceException(
          "I could not read the audio file to transcribe it.",
          "transcription: cannot read " + audio + ": " + e,
          e);
    }
    body.field("model", settings.model());
    if (settings.language() != null) {
      body.field("language", settings.language());
    }
    body.field("response_format", "json");
    HttpResponse<byte[]> answer;
    try {
      answer = api.post(
          body.contentType(), body.publisher(), "the audio (" + mib(size) + ")", MAX_ANSWER_BYTES);
    } catch (VoiceException e) {
      throw hinted(e);
    }
    return text(answer);
  }

  /**
   * whisper.cpp's server decodes WAV, MP3, FLAC and Ogg/Vorbis itself and answers 400 "failed
   * to read audio data" to Ogg/Opus, the format of Telegram's voice notes, unless it was
   * started with {@code --convert} (which has it convert with ffmpeg).
   */
  private static VoiceException hinted(VoiceException e) {
    if (e.getMessage() != null
        && e.getMessage().contains("HTTP 400")
        && e.getMessage().toLowerCase(Locale.ROOT).contains("failed to read audio")) {
      return new VoiceException(
          e.userMessage() + " If it is whisper.cpp's server, start it with --convert (it then"
              + " converts with ffmpeg).",
          e.getMessage(),
          null);
    }
    return e;
  }

  private String text(HttpResponse<byte[]> answer) throws VoiceException {
    String body = new String(answer.body(), StandardCharsets.UTF_8);
    String type = answer.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (type.startsWith("text/plain")) {
      return body.strip();
    }
    if (type.startsWith("text/html")) {
      throw api.unreadable(
          "a web page instead of a transcript: check " + TranscriptionSettings.BASE_URL.where(),
          "text/html answer of " + answer.body().length + " bytes");
    }
    JsonNode text;
    try {
      text = JSON.readTree(body).path("text");
    } catch (JacksonException e) {
      throw api.unreadable("an answer I could not read", "not JSON: " + body);
    }
    if (!text.isString()) {
      throw api.unreadable("an answer without a transcript", "no \"text\" in " + body);
    }
    return text.stringValue().strip();
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }

  @Override
  public void close() {
    api.close();
  }
}
