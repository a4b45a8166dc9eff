package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.media.fake.FakeAudioServer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AudioFormatTest {
  private static byte[] ascii(String s, int size) {
    return Arrays.copyOf(s.getBytes(StandardCharsets.ISO_8859_1), size);
  }

  @Test
  void aRealOggOpusFileIsRecognised() {
    assertThat(AudioFormat.sniff(FakeAudioServer.oggOpus())).contains(AudioFormat.OGG_OPUS);
  }

  @Test
  void oggHoldingVorbisIsNotOpus() {
    byte[] vorbis = FakeAudioServer.oggOpus();
    byte[] codec = "\u0001vorbis\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(codec, 0, vorbis, 28, 8);
    assertThat(AudioFormat.sniff(vorbis)).isEmpty();
  }

  @Test
  void theOtherFormatsAreToldByTheirMagicNumbers() {
    assertThat(AudioFormat.sniff(FakeAudioServer.mp3())).contains(AudioFormat.MP3);
    assertThat(AudioFormat.sniff(new byte[] {(byte) 0xff, (byte) 0xf3, (byte) 0x84, 0}))
        .as("an MP3 frame without an ID3 tag")
        .contains(AudioFormat.MP3);
    assertThat(AudioFormat.sniff(new byte[] {(byte) 0xff, (byte) 0xf1, 0x50, (byte) 0x80}))
        .as("an AAC ADTS frame")
        .contains(AudioFormat.AAC);
    assertThat(AudioFormat.sniff(ascii("fLaC", 42))).contains(AudioFormat.FLAC);
    byte[] wav = ascii("RIFF\u0024\u0000\u0000\u0000WAVEfmt ", 44);
    assertThat(AudioFormat.sniff(wav)).contains(AudioFormat.WAV);
  }

  @Test
  void anythingElseIsUnknown() {
    assertThat(AudioFormat.sniff(new byte[0])).isEmpty();
    assertThat(AudioFormat.sniff("{\"error\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isEmpty();
    assertThat(AudioFormat.sniff(ascii("RIFF\u0024\u0000\u0000\u0000AVI ", 44))).isEmpty();
    assertThat(AudioFormat.sniff(ascii("OggS", 10))).isEmpty();
  }

  @Test
  void eachFormatIsAskedForByOpenAisName() {
    assertThat(Arrays.stream(AudioFormat.values()).map(AudioFormat::responseFormat))
        .containsExactly("opus", "mp3", "aac", "flac", "wav");
    assertThat(AudioFormat.OGG_OPUS.mimeType()).isEqualTo("audio/ogg");
    assertThat(AudioFormat.OGG_OPUS.extension()).isEqualTo("ogg");
  }
}
