package dev.switchboard.media;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * An audio format a speech server can be asked for ({@code response_format} of OpenAI's
 * {@code POST /audio/speech}), and how to recognise it from its first bytes: a server that
 * ignores the asked format (some local ones always answer WAV) must not have its WAV sent as
 * a Telegram voice note.
 */
public enum AudioFormat {
  /** Opus in an Ogg container: what Telegram voice notes are. */
  OGG_OPUS("opus", "audio/ogg", "ogg"),
  MP3("mp3", "audio/mpeg", "mp3"),
  AAC("aac", "audio/aac", "aac"),
  FLAC("flac", "audio/flac", "flac"),
  WAV("wav", "audio/wav", "wav");

  private static final byte[] OGG = ascii("OggS");
  private static final byte[] OPUS_HEAD = ascii("OpusHead");
  private static final byte[] ID3 = ascii("ID3");
  private static final byte[] FLAC_MAGIC = ascii("fLaC");
  private static final byte[] RIFF = ascii("RIFF");
  private static final byte[] WAVE = ascii("WAVE");
  /** The fixed part of an Ogg page header; the segment table (its size in the last byte) follows. */
  private static final int OGG_HEADER = 27;

  private final String responseFormat;
  private final String mimeType;
  private final String extension;

  AudioFormat(String responseFormat, String mimeType, String extension) {
    this.responseFormat = responseFormat;
    this.mimeType = mimeType;
    this.extension = extension;
  }

  /** The value of {@code response_format} that asks for this format. */
  public String responseFormat() {
    return responseFormat;
  }

  public String mimeType() {
    return mimeType;
  }

  /** The file name extension, without the dot. */
  public String extension() {
    return extension;
  }

  /**
   * The format these bytes are in, by their magic numbers; empty for anything else (Ogg
   * holding Vorbis rather than Opus, a JSON error body, raw PCM).
   */
  public static Optional<AudioFormat> sniff(byte[] head) {
    if (startsWith(head, 0, OGG)) {
      // The first page carries the codec's identification header: "OpusHead" for Opus.
      int segments = head.length >= OGG_HEADER ? head[OGG_HEADER - 1] & 0xff : 0;
      return startsWith(head, OGG_HEADER + segments, OPUS_HEAD)
          ? Optional.of(OGG_OPUS)
          : Optional.empty();
    }
    if (startsWith(head, 0, ID3)) {
      return Optional.of(MP3);
    }
    if (startsWith(head, 0, FLAC_MAGIC)) {
      return Optional.of(FLAC);
    }
    if (startsWith(head, 0, RIFF) && startsWith(head, 8, WAVE)) {
      return Optional.of(WAV);
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xe0) == 0xe0) {
      // An MPEG audio frame header: the layer bits are 00 in an AAC ADTS header, 01 (layer
      // III) in an MP3 frame.
      int layer = (head[1] >> 1) & 0x03;
      if (layer == 0 && (head[1] & 0xf0) == 0xf0) {
        return Optional.of(AAC);
      }
      if (layer == 1) {
        return Optional.of(MP3);
      }
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] data, int offset, byte[] prefix) {
    return data.length >= offset + prefix.length
        && Arrays.equals(data, offset, offset + prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
