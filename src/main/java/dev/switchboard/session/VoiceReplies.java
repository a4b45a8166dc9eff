package dev.switchboard.session;

import dev.switchboard.media.AttachmentStore;
import dev.switchboard.media.AudioFormat;
import dev.switchboard.media.ReplyFiles;
import dev.switchboard.media.SpeechSynthesizer;
import dev.switchboard.media.VoiceException;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.text.MarkdownParser;
import dev.switchboard.text.PlainText;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replies also sent as voice notes, in sessions that chose {@code /voice on}: the reply's text
 * (its Markdown read as plain words, its files left out) spoken by the {@code tts.*} endpoint
 * as Ogg/Opus, which Telegram shows as a voice note and other platforms as an audio file.
 */
public final class VoiceReplies {
  private static final Logger log = LoggerFactory.getLogger(VoiceReplies.class);

  /** Without a speech endpoint: /voice says how to set one up. */
  public static final VoiceReplies NONE = new VoiceReplies(null, null);

  private final @Nullable SpeechSynthesizer speech;
  private final @Nullable AttachmentStore store;

  /** What speaking a reply gave: a voice note to send, or a line saying why there is none. */
  sealed interface Outcome {}

  record Spoken(OutboundFile file) implements Outcome {}

  record Unspoken(String why) implements Outcome {}

  public VoiceReplies(@Nullable SpeechSynthesizer speech, @Nullable AttachmentStore store) {
    this.speech = speech;
    this.store = store;
  }

  boolean available() {
    return speech != null && store != null;
  }

  Outcome speak(String markdown) throws InterruptedException {
    if (speech == null || store == null) {
      return new Unspoken("voice replies need a speech endpoint (tts.base_url)");
    }
    String words = new PlainText()
        .render(MarkdownParser.parse(ReplyFiles.split(markdown).text()))
        .strip();
    if (words.isEmpty()) {
      return new Unspoken("the reply has no words to speak");
    }
    try {
      SpeechSynthesizer.Speech spoken = speech.speak(words, AudioFormat.OGG_OPUS);
      AttachmentStore.StoredFile file = store.put(spoken.audio());
      boolean voiceNote = spoken.format() == AudioFormat.OGG_OPUS;
      return new Spoken(new OutboundFile(
          voiceNote ? AttachmentKind.VOICE : AttachmentKind.AUDIO,
          spoken.format().mimeType(),
          spoken.fileName(),
          file.path(),
          file.size(),
          ""));
    } catch (VoiceException e) {
      log.warn("speaking a reply failed: {}", e.getMessage());
      return new Unspoken(e.userMessage());
    } catch (IOException e) {
      log.warn("keeping a spoken reply failed: {}", e.toString());
      return new Unspoken("the voice note could not be kept");
    }
  }
}
