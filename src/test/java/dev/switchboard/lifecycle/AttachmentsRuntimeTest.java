package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.agent.TurnAttachment;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.echo.EchoBackend;
import dev.switchboard.media.MediaSettings;
import dev.switchboard.media.SpeechSettings;
import dev.switchboard.media.fake.FakeAudioServer;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A message's files through the whole gateway: fetched once, kept across a restart, refused. */
class AttachmentsRuntimeTest {
  @TempDir
  Path home;

  private RuntimeHarness first;
  private RuntimeHarness next;

  @AfterEach
  void stop() throws Exception {
    RuntimeHarness.stopIfRunning(first);
    RuntimeHarness.stopIfRunning(next);
  }

  private static InboundMessage withFiles(InMemoryAdapter chat, String text, Attachment... a) {
    return chat.message("alice", text).withAttachments(List.of(a));
  }

  @Test
  void aPhotoReachesTheAgentAndATurnRunAgainAfterARestartDoesNotFetchItAgain() throws Exception {
    byte[] png = "\u0089PNG fake".getBytes(StandardCharsets.ISO_8859_1);
    first = new RuntimeHarness(home);
    first.drainTimeout = Duration.ofMillis(200);
    GatedBackend backend = new GatedBackend();
    first.backend = backend;
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    chat.offerFile("file-1", png);
    first.adapters.add(chat);
    first.start();

    chat.deliver(withFiles(
        chat,
        "what is this?",
        new Attachment(AttachmentKind.IMAGE, "image/png", 9, null, "file-1")));
    TurnRequest asked = backend.awaitStart(5);
    assertThat(asked.text()).isEqualTo("what is this?\n[image]");
    TurnAttachment photo = asked.attachments().getFirst();
    assertThat(photo.kind()).isEqualTo(AttachmentKind.IMAGE);
    assertThat(photo.mimeType()).isEqualTo("image/png");
    assertThat(photo.bytes()).isEqualTo(png);
    assertThat(photo.path().getParent()).isEqualTo(home.resolve("attachments"));
    assertThat(chat.downloads()).isEqualTo(1);
    first.runtime.request(StopRequest.restart("test"));
    assertThat(first.exitCode()).isEqualTo(75);

    next = new RuntimeHarness(home);
    GatedBackend backend2 = new GatedBackend();
    backend2.finishAll();
    next.backend = backend2;
    InMemoryAdapter chat2 = new InMemoryAdapter("mem");
    next.adapters.add(chat2);
    next.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(chat2.transcript("alice")).contains("done: what is this?\n[image]"));
    TurnRequest again = backend2.awaitStart(5);
    assertThat(again.attachments()).extracting(TurnAttachment::path).containsExactly(photo.path());
    assertThat(again.attachments().getFirst().bytes()).isEqualTo(png);
    assertThat(chat2.downloads()).as("the new process found it kept").isZero();
  }

  @Test
  void aFileThatCannotBeTakenIsNamedToTheUserAndTheTextStillReachesTheAgent() throws Exception {
    first = new RuntimeHarness(home);
    GatedBackend backend = new GatedBackend();
    backend.finishAll();
    first.backend = backend;
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    first.adapters.add(chat);
    first.start();

    chat.deliver(withFiles(
        chat,
        "summarise please",
        new Attachment(
            AttachmentKind.DOCUMENT, "application/pdf", 21L * 1024 * 1024, "big.pdf", "f-big"),
        new Attachment(AttachmentKind.VOICE, "audio/ogg", 100, null, "f-gone")));

    TurnRequest asked = backend.awaitStart(5);
    assertThat(asked.attachments()).isEmpty();
    assertThat(asked.text())
        .isEqualTo("summarise please\n"
            + "[document: big.pdf \u2014 not passed on: it is larger than the 20 MB mem lets bots"
            + " download]\n"
            + "[voice \u2014 not passed on: the file is gone from mem]");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.texts("alice"))
            .contains(
                "\u26a0\ufe0f I could not take big.pdf: it is larger than the 20 MB mem lets bots"
                    + " download\n\u26a0\ufe0f I could not take a voice note: the file is gone"
                    + " from mem",
                "done: " + asked.text()));
    assertThat(home.resolve("attachments")).as("nothing was kept").doesNotExist();
  }

  @Test
  void anImageInTheAgentsReplyGoesBackAsAFileAfterTheTextAndOnlyOnce() throws Exception {
    byte[] png = "\u0089PNG the reply's picture".getBytes(StandardCharsets.ISO_8859_1);
    String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    first = new RuntimeHarness(home);
    first.backend = new EchoBackend(Duration.ZERO);
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    first.adapters.add(chat);
    first.start();

    // the echo backend answers with the user's words: here, a picture
    chat.deliver("alice", "Here you go: ![a red square](" + dataUrl + ")");

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.sentFiles()).hasSize(1));
    InMemoryAdapter.SentFile sent = chat.sentFiles().getFirst();
    assertThat(sent.bytes()).isEqualTo(png);
    assertThat(sent.file().kind()).isEqualTo(AttachmentKind.IMAGE);
    assertThat(sent.file().mimeType()).isEqualTo("image/png");
    assertThat(sent.file().fileName()).isEqualTo("file.png");
    assertThat(sent.file().caption()).isEqualTo("a red square");
    assertThat(chat.texts("alice")).last().asString().isEqualTo("Here you go:");
    assertThat(chat.texts("alice")).noneMatch(t -> t.contains("base64"));
  }

  @Test
  void aLocalFileOutsideTheAllowedFolderIsRefusedWithTheReasonInTheReply() throws Exception {
    Path allowed = Files.createDirectories(home.resolve("outbox-files"));
    Files.writeString(allowed.resolve("report.txt"), "numbers");
    first = new RuntimeHarness(home);
    first.media = new MediaSettings(1 << 20, 1 << 24, allowed, false);
    first.backend = new EchoBackend(Duration.ZERO);
    InMemoryAdapter chat = new InMemoryAdapter("mem");
    first.adapters.add(chat);
    first.start();

    chat.deliver("alice", "MEDIA: report.txt\nMEDIA: ../switchboard.db");

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(chat.texts("alice"))
            .contains("\u26a0\ufe0f Could not send ../switchboard.db: it is outside the folder"
                + " replies may send from."));
    assertThat(chat.sentFiles()).singleElement().satisfies(f -> {
      assertThat(f.file().fileName()).isEqualTo("report.txt");
      assertThat(f.file().kind()).isEqualTo(AttachmentKind.DOCUMENT);
      assertThat(f.bytes()).isEqualTo("numbers".getBytes(StandardCharsets.UTF_8));
    });
  }

  @Test
  void withVoiceOnEachReplyAlsoComesAsAVoiceNoteOfItsWords() throws Exception {
    try (FakeAudioServer tts = new FakeAudioServer()) {
      first = new RuntimeHarness(home);
      first.speech = new SpeechSettings(
          URI.create(tts.baseUrl()), "tts-1", "alloy", "sk-tts", 4096, Duration.ofSeconds(20));
      first.backend = new EchoBackend(Duration.ZERO);
      InMemoryAdapter chat = new InMemoryAdapter("mem");
      first.adapters.add(chat);
      first.start();

      chat.deliver("alice", "/voice on");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(chat.texts("alice"))
              .contains("Voice replies are on: each reply also comes as a voice note."));
      chat.deliver("alice", "**Good** morning");

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(chat.sentFiles()).hasSize(1));
      InMemoryAdapter.SentFile note = chat.sentFiles().getFirst();
      assertThat(note.file().kind()).isEqualTo(AttachmentKind.VOICE);
      assertThat(note.file().mimeType()).isEqualTo("audio/ogg");
      assertThat(note.bytes()).isEqualTo(FakeAudioServer.oggOpus());
      assertThat(tts.speeches()).singleElement().satisfies(s -> {
        assertThat(s.body().path("input").stringValue()).isEqualTo("Good morning");
        assertThat(s.body().path("response_format").stringValue()).isEqualTo("opus");
      });
      assertThat(chat.texts("alice")).contains("**Good** morning");

      chat.deliver("alice", "/voice off");
      chat.deliver("alice", "quiet now");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(chat.texts("alice")).contains("quiet now"));
      assertThat(chat.sentFiles()).hasSize(1);
    }
  }
}
