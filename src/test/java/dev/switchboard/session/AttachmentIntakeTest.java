package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.agent.TurnAttachment;
import dev.switchboard.media.AttachmentStore;
import dev.switchboard.media.MediaSettings;
import dev.switchboard.media.Transcriber;
import dev.switchboard.media.TranscriptionSettings;
import dev.switchboard.media.fake.FakeAudioServer;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.Sender;
import dev.switchboard.testing.InMemoryStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttachmentIntakeTest {
  private static final long MB = 1024L * 1024;

  @TempDir
  Path home;

  private final InMemoryStore db = new InMemoryStore();
  private final FakeSource platform = new FakeSource();
  private FileLimits platformLimits = FileLimits.megabytes(20, 50, 1024);

  private AttachmentIntake intake(MediaSettings limits) {
    return new AttachmentIntake(platform, AttachmentStore.in(home), limits, db.journal());
  }

  private static InboundMessage message(Attachment... files) {
    return new InboundMessage(
        ChatRef.of("tg", "42"),
        "7",
        new Sender("u1", "Ann"),
        "what is this?",
        false,
        Instant.parse("2026-12-03T08:00:00Z"),
        List.of(files));
  }

  private static Attachment photo(String ref, long size) {
    return new Attachment(AttachmentKind.IMAGE, "image/jpeg", size, null, ref);
  }

  @Test
  void aFileIsFetchedOnceKeptAndRecordedInTheJournal() throws Exception {
    platform.files.put("p1", "jpeg bytes".getBytes(StandardCharsets.UTF_8));
    InboundMessage m = message(photo("p1", 10));
    db.journal().record(m);

    AttachmentIntake.Prepared first = intake(MediaSettings.DEFAULTS).prepare(m);

    assertThat(first.leftOut()).isEmpty();
    assertThat(first.notices()).isEmpty();
    TurnAttachment ready = first.attachments().getFirst();
    assertThat(ready.kind()).isEqualTo(AttachmentKind.IMAGE);
    assertThat(ready.mimeType()).isEqualTo("image/jpeg");
    assertThat(ready.name()).isEqualTo("an image");
    assertThat(ready.bytes()).isEqualTo("jpeg bytes".getBytes(StandardCharsets.UTF_8));
    assertThat(ready.path()).startsWith(home.resolve("attachments"));
    InboundMessage recorded = db.journal().unfinished().getFirst().message();
    assertThat(recorded.attachments().getFirst().sha256())
        .isEqualTo(ready.path().getFileName().toString());
    assertThat(recorded).isEqualTo(first.message());

    // The turn run again after a restart has the journal's copy: nothing is fetched again.
    AttachmentIntake.Prepared again = intake(MediaSettings.DEFAULTS).prepare(recorded);
    assertThat(again.attachments()).containsExactly(ready);
    assertThat(platform.downloads).hasValue(1);
  }

  @Test
  void aFileStatedLargerThanTheLimitIsNotDownloadedAndTheUserIsToldWhy() throws Exception {
    InboundMessage m = message(
        new Attachment(AttachmentKind.DOCUMENT, "application/pdf", 30 * MB, "big.pdf", "d1"));

    AttachmentIntake.Prepared p = intake(MediaSettings.DEFAULTS).prepare(m);

    assertThat(p.attachments()).isEmpty();
    assertThat(p.notices())
        .containsExactly("\u26a0\ufe0f I could not take big.pdf: it is larger than the 20 MB tg"
            + " lets bots download");
    assertThat(platform.downloads).hasValue(0);
    assertThat(UserText.forAgent(p.message(), p.leftOut()))
        .isEqualTo("what is this?\n[document: big.pdf \u2014 not passed on: it is larger than"
            + " the 20 MB tg lets bots download]");
  }

  @Test
  void theGatewaysOwnLimitAppliesWhenItIsTheSmallerAndToWhatIsActuallySent() throws Exception {
    platform.files.put("p1", new byte[(int) (2 * MB) + 1]);
    // the platform did not say how big it is; the copy stops one byte past the limit
    InboundMessage m = message(photo("p1", -1));

    AttachmentIntake.Prepared p = intake(new MediaSettings(2 * MB, 100 * MB)).prepare(m);

    assertThat(p.notices())
        .containsExactly(
            "\u26a0\ufe0f I could not take an image: it is larger than the 2 MB this gateway"
                + " accepts");
    try (var files = Files.list(home.resolve("attachments"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aFullStoreRefusesNewFilesUntilRetentionFreesRoom() throws Exception {
    platform.files.put("p1", new byte[600]);
    platform.files.put("p2", new byte[600]);
    MediaSettings tiny = new MediaSettings(1000, 1000);

    assertThat(intake(tiny).prepare(message(photo("p1", 600))).notices()).isEmpty();
    AttachmentIntake.Prepared second = intake(tiny).prepare(message(photo("p2", 600)));

    assertThat(second.notices())
        .containsExactly("\u26a0\ufe0f I could not take an image: the gateway's space for files"
            + " is full; try again later");
  }

  @Test
  void aPlatformsRefusalIsPassedOnInItsWordsAndABrokenDownloadWithoutThem() throws Exception {
    platform.refusal = new PlatformException("the file is no longer on Telegram", true);
    AttachmentIntake.Prepared refused =
        intake(MediaSettings.DEFAULTS).prepare(message(photo("x", 5)));
    assertThat(refused.notices())
        .containsExactly(
            "\u26a0\ufe0f I could not take an image: the file is no longer on" + " Telegram");

    platform.refusal = null;
    platform.breakWith = new IOException("GET https://api/file/bot123:SECRET/x: reset");
    AttachmentIntake.Prepared broken =
        intake(MediaSettings.DEFAULTS).prepare(message(photo("y", 5)));
    assertThat(broken.notices())
        .containsExactly("\u26a0\ufe0f I could not take an image: the download from tg broke"
            + " off; please send it again");
    assertThat(String.join("", broken.notices())).doesNotContain("SECRET");
  }

  @Test
  void theTextStillReachesTheAgentWithTheFilesItGotAndNoWordAboutThem() throws Exception {
    platform.files.put("ok", new byte[] {1, 2, 3});
    Attachment good = new Attachment(AttachmentKind.DOCUMENT, "text/plain", 3, "notes.txt", "ok");
    Attachment gone = new Attachment(AttachmentKind.VOICE, "audio/ogg", 10, null, "gone");
    InboundMessage m = message(good, gone);

    AttachmentIntake.Prepared p = intake(MediaSettings.DEFAULTS).prepare(m);

    assertThat(p.attachments()).extracting(TurnAttachment::name).containsExactly("notes.txt");
    assertThat(p.notices())
        .hasSize(1)
        .first()
        .asString()
        .startsWith("\u26a0\ufe0f I could not take a voice note: ");
    assertThat(UserText.of(p.message())).isEqualTo("what is this?\n[document: notes.txt]\n[voice]");
  }

  @Test
  void aDocumentsTextGoesWithItAndOneNobodyCanReadIsPassedOnWithAWordToTheUser() throws Exception {
    platform.files.put("notes", "first line\nsecond line".getBytes(StandardCharsets.UTF_8));
    platform.files.put("zip", new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
    InboundMessage m = message(
        new Attachment(
            AttachmentKind.DOCUMENT, "application/octet-stream", 22, "notes.md", "notes"),
        new Attachment(AttachmentKind.DOCUMENT, "application/zip", 8, "code.zip", "zip"));

    AttachmentIntake.Prepared p = intake(MediaSettings.DEFAULTS).prepare(m);

    assertThat(p.attachments())
        .extracting(TurnAttachment::name, TurnAttachment::text)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("notes.md", "first line\nsecond line"),
            org.assertj.core.groups.Tuple.tuple("code.zip", null));
    assertThat(p.notices())
        .singleElement()
        .asString()
        .startsWith("\u26a0\ufe0f I could not read code.zip: this is a ZIP");
    assertThat(p.leftOut()).isEmpty();
  }

  @Test
  void aVoiceNoteIsTranscribedForTheAgentAndTheUserSeesWhatWasHeard() throws Exception {
    byte[] ogg = FakeAudioServer.oggOpus();
    platform.files.put("v1", ogg);
    try (FakeAudioServer stt = new FakeAudioServer().transcript("remind me at nine");
        Transcriber transcriber = new Transcriber(voice(stt.baseUrl()))) {
      AttachmentIntake withVoice = new AttachmentIntake(
          platform,
          AttachmentStore.in(home),
          MediaSettings.DEFAULTS,
          db.journal(),
          transcriber,
          voice(stt.baseUrl()));

      AttachmentIntake.Prepared p = withVoice.prepare(
          message(new Attachment(AttachmentKind.VOICE, "audio/ogg", ogg.length, null, "v1")));

      assertThat(p.attachments().getFirst().text()).isEqualTo("remind me at nine");
      assertThat(p.notices()).containsExactly("\ud83c\udfa4 remind me at nine");
      assertThat(stt.transcriptions())
          .singleElement()
          .satisfies(t -> assertThat(t.file().bytes()).isEqualTo(ogg));

      stt.then(FakeAudioServer.Reply.error(500, "server_error", null, "boom"));
      AttachmentIntake.Prepared failed = withVoice.prepare(
          message(new Attachment(AttachmentKind.VOICE, "audio/ogg", ogg.length, null, "v1")));
      assertThat(failed.attachments())
          .singleElement()
          .satisfies(a -> assertThat(a.text()).isNull());
      assertThat(failed.notices())
          .singleElement()
          .asString()
          .startsWith("\u26a0\ufe0f I could not transcribe a voice note: ");
    }
  }

  private static TranscriptionSettings voice(String baseUrl) {
    return new TranscriptionSettings(
        java.net.URI.create(baseUrl),
        "whisper-1",
        "sk-stt",
        null,
        true,
        "\ud83c\udfa4",
        Duration.ofSeconds(20),
        25 * MB);
  }

  @Test
  void withoutAStoreEveryFileIsLeftOutWithAWord() {
    AttachmentIntake.Prepared p = AttachmentIntake.none().prepare(message(photo("p", 1)));
    assertThat(p.notices())
        .containsExactly("\u26a0\ufe0f I could not take an image: this gateway keeps no files");
  }

  @Test
  void aMessageOfTextAloneIsUntouched() {
    InboundMessage m = message();
    AttachmentIntake.Prepared p = intake(MediaSettings.DEFAULTS).prepare(m);
    assertThat(p.message()).isSameAs(m);
    assertThat(p.attachments()).isEmpty();
    assertThat(UserText.of(m)).isEqualTo("what is this?");
  }

  private final class FakeSource implements AttachmentSource {
    final Map<String, byte[]> files = new HashMap<>();
    final AtomicInteger downloads = new AtomicInteger();
    PlatformException refusal;
    IOException breakWith;

    @Override
    public InputStream download(String name, Attachment attachment) throws PlatformException {
      downloads.incrementAndGet();
      if (refusal != null) {
        throw refusal;
      }
      if (breakWith != null) {
        IOException e = breakWith;
        return new InputStream() {
          @Override
          public int read() throws IOException {
            throw e;
          }
        };
      }
      byte[] bytes = files.get(attachment.ref());
      if (bytes == null) {
        throw new PlatformException("no such file", true);
      }
      return new ByteArrayInputStream(bytes);
    }

    @Override
    public FileLimits fileLimits(String name) {
      return platformLimits;
    }
  }
}
