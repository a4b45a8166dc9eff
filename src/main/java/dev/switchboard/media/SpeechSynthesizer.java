package dev.switchboard.media;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Speaks a reply through an OpenAI-compatible {@code POST /audio/speech}: a JSON request
 * {@code {"model", "input", "voice", "response_format"}} answered with the audio bytes.
 * {@link AudioFormat#OGG_OPUS} ({@code "opus"}) is what Telegram voice notes are; MP3 plays
 * everywhere else. What comes back is checked by its first bytes, not trusted by its header: a
 * server that ignored the asked format is reported as the format it sent.
 *
 * <p>A reply longer than {@code tts.max_chars} is <em>cut</em>, not split into several
 * requests: the whole reply is in the chat as text anyway, one voice note per reply is what a
 * listener expects, and 4,096 characters (OpenAI's limit) are already four to five minutes of
 * speech. The cut falls after the last sentence that fits, else at a space.
 *
 * <p>Thread-safe; one instance serves the whole gateway. Each call blocks (a virtual thread is
 * the place for it) for at most {@code tts.timeout}.
 */
public final class SpeechSynthesizer implements AutoCloseable {
  static final String PATH = "/audio/speech";
  /** Far above what 100,000 characters make even as WAV; more is not speech. */
  private static final long MAX_ANSWER_BYTES = 64L * 1024 * 1024;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Speech made from a reply. */
  public static final class Speech {
    private final byte[] audio;
    private final AudioFormat format;
    private final String spokenText;
    private final boolean cut;

    Speech(byte[] audio, AudioFormat format, String spokenText, boolean cut) {
      this.audio = audio.clone();
      this.format = format;
      this.spokenText = spokenText;
      this.cut = cut;
    }

    /** The bytes, in {@link #format()}. */
    public byte[] audio() {
      return audio.clone();
    }

    /** What the bytes are, which may differ from the format asked for. */
    public AudioFormat format() {
      return format;
    }

    /** The part of the reply that was spoken. */
    public String spokenText() {
      return spokenText;
    }

    /** Whether the reply was longer than {@code tts.max_chars} and only its start spoken. */
    public boolean cut() {
      return cut;
    }

    /** A file name for it: "reply.ogg". */
    public String fileName() {
      return "reply." + format.extension();
    }

    @Override
    public String toString() {
      return "Speech[" + audio.length + " bytes " + format + ", " + spokenText.length() + " chars"
          + (cut ? ", cut" : "") + "]";
    }
  }

  private final SpeechSettings settings;
  private final AudioApi api;

  /** For settings whose {@link SpeechSettings#enabled()} is true. */
  public SpeechSynthesizer(SpeechSettings settings) {
    if (settings.baseUrl() == null) {
      throw new IllegalArgumentException(
          "speech is off: " + SpeechSettings.BASE_URL.path() + " is not set");
    }
    this.settings = settings;
    this.api = new AudioApi(
        "speech",
        settings.baseUrl(),
        PATH,
        settings.apiKey(),
        settings.model(),
        settings.timeout(),
        new AudioApi.Keys(
            SpeechSettings.BASE_URL,
            SpeechSettings.API_KEY,
            SpeechSettings.MODEL,
            SpeechSettings.TIMEOUT));
  }

  /**
   * The reply, spoken.
   *
   * @param text plain text (Markdown symbols would be read out or stumbled over); not blank
   * @param format the format to ask for
   */
  public Speech speak(String text, AudioFormat format) throws VoiceException, InterruptedException {
    String input = text.strip();
    if (input.isEmpty()) {
      throw new IllegalArgumentException("nothing to speak");
    }
    String spoken = SpeechInput.cut(input, settings.maxChars());
    ObjectNode request = JSON.createObjectNode()
        .put("model", settings.model())
        .put("input", spoken)
        .put("voice", settings.voice())
        .put("response_format", format.responseFormat());
    HttpResponse<byte[]> answer = api.post(
        "application/json",
        HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)),
        "the text (" + spoken.length() + " characters)",
        MAX_ANSWER_BYTES);
    byte[] audio = answer.body();
    Optional<AudioFormat> sent = AudioFormat.sniff(audio);
    if (sent.isEmpty()) {
      String type = answer.headers().firstValue("Content-Type").orElse("no content type");
      boolean readable = type.toLowerCase(Locale.ROOT).startsWith("application/json")
          || type.toLowerCase(Locale.ROOT).startsWith("text/");
      throw api.unreadable(
          audio.length == 0 ? "no audio" : "something that is not audio I know (" + type + ")",
          audio.length + " bytes of " + type
              + (readable ? ": " + new String(audio, StandardCharsets.UTF_8) : ""));
    }
    return new Speech(audio, sent.get(), spoken, spoken.length() < input.length());
  }

  @Override
  public void close() {
    api.close();
  }
}
