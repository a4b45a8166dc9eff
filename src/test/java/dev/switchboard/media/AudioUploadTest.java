package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AudioUploadTest {
  @Test
  void aTelegramVoiceNoteGoesUpAsOgg() {
    assertThat(AudioUpload.of("audio/ogg", null))
        .isEqualTo(new AudioUpload("audio.ogg", "audio/ogg"));
    assertThat(AudioUpload.of("audio/ogg; codecs=opus", "file_7.oga"))
        .isEqualTo(new AudioUpload("audio.ogg", "audio/ogg"));
  }

  @Test
  void theTypeDecidesAndTheExtensionHelpsWhenTheTypeSaysNothing() {
    assertThat(AudioUpload.of("audio/x-m4a", "memo.bin"))
        .isEqualTo(new AudioUpload("audio.m4a", "audio/mp4"));
    assertThat(AudioUpload.of("application/octet-stream", "Song Title.MP3"))
        .isEqualTo(new AudioUpload("audio.mp3", "audio/mpeg"));
    assertThat(AudioUpload.of("video/webm", null))
        .isEqualTo(new AudioUpload("audio.webm", "audio/webm"));
    assertThat(AudioUpload.of("audio/x-wav", null))
        .isEqualTo(new AudioUpload("audio.wav", "audio/wav"));
  }

  @Test
  void anUnknownFormatGoesAsItCameAndTheSendersNameNever() {
    assertThat(AudioUpload.of("audio/amr", "rec\"\r\nX: y.amr"))
        .isEqualTo(new AudioUpload("audio.amr", "audio/amr"));
    assertThat(AudioUpload.of("not a type\r\n", "noext"))
        .isEqualTo(new AudioUpload("audio", "application/octet-stream"));
  }
}
