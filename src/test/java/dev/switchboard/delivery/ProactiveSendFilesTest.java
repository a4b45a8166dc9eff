package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Ticker;
import dev.switchboard.media.AttachmentStore;
import dev.switchboard.media.MediaSettings;
import dev.switchboard.media.OutgoingFiles;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.ProactiveSender;
import dev.switchboard.platform.ProactiveSender.Outcome;
import dev.switchboard.platform.ProactiveSender.Upload;
import dev.switchboard.store.Outbox;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends on request with files: kept in the attachment store and held there while they go, the
 * text as the first file's caption when it fits, else before the files, each file once per
 * idempotency key.
 */
class ProactiveSendFilesTest {
  private static final byte[] PNG = "\u0089PNG fake image".getBytes(StandardCharsets.ISO_8859_1);
  private static final Instant LATER = Instant.now().plus(Duration.ofDays(1));

  @TempDir
  Path dir;

  private final InMemoryStore store = new InMemoryStore();
  /** Whether each file was still in the store after a sweep that ran while it was sent. */
  private final List<Boolean> keptWhileSent = Collections.synchronizedList(new ArrayList<>());

  private AttachmentStore attachments;
  private InMemoryAdapter telegram;

  @BeforeEach
  void setUp() throws Exception {
    attachments = new AttachmentStore(dir.resolve("attachments"));
    telegram = new InMemoryAdapter("telegram", new PlatformLimits(100, true, Duration.ZERO)) {
      @Override
      public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
        try {
          attachments.sweep(name -> false, LATER);
        } catch (IOException e) {
          throw new PlatformException(e.toString(), false);
        }
        keptWhileSent.add(Files.exists(file.path()));
        return super.sendFile(chat, file);
      }
    };
    telegram.connect(m -> {}, null);
    store.journal().record(telegram.message("42", "hello"));
  }

  private ProactiveSend sends(InMemoryAdapter adapter, long maxFileBytes) {
    Delivery delivery =
        new Delivery(new PlatformRouter(List.of(adapter)), store.outbox(), Ticker.system());
    return new ProactiveSend(
        delivery,
        p -> p.equals(adapter.name()),
        store.journal(),
        store.homeChannels(),
        false,
        new OutgoingFiles(attachments, new MediaSettings(maxFileBytes, 1 << 30)));
  }

  private ProactiveSend sends() {
    return sends(telegram, 1 << 20);
  }

  private static Upload upload(String name, String type, byte[] bytes) {
    return new Upload(name, type, () -> new ByteArrayInputStream(bytes));
  }

  @Test
  void theTextGoesAsTheFilesCaptionInPlainText() {
    Outcome outcome = sends()
        .send(
            "telegram:42",
            "**Daily** chart, from [the dashboard](https://dash.example/d/1)",
            List.of(upload("chart.png", "image/png", PNG)),
            null);

    Outcome.Sent sent = (Outcome.Sent) outcome;
    assertThat(telegram.sent()).as("no message of text: it is the caption").isEmpty();
    InMemoryAdapter.SentFile file = telegram.sentFiles().getFirst();
    assertThat(file.bytes()).isEqualTo(PNG);
    assertThat(file.file().kind()).isEqualTo(AttachmentKind.IMAGE);
    assertThat(file.file().fileName()).isEqualTo("chart.png");
    assertThat(file.file().caption())
        .isEqualTo("Daily chart, from the dashboard (https://dash.example/d/1)");
    assertThat(sent.messageIds()).containsExactly(file.messageId());
    assertThat(keptWhileSent).containsExactly(true);
  }

  @Test
  void aTextTooLongForACaptionGoesFirstAndTheFilesFollowUncaptioned() {
    String text = "word ".repeat(250).strip(); // 1249 characters: no caption takes it

    Outcome.Sent sent = (Outcome.Sent) sends()
        .send(
            "telegram:42",
            text,
            List.of(
                upload("a.pdf", "application/pdf", "%PDF-a".getBytes(StandardCharsets.US_ASCII)),
                upload("b.txt", null, "b".getBytes(StandardCharsets.US_ASCII))),
            "report-7");

    assertThat(String.join(" ", telegram.texts("42"))).isEqualTo(text);
    assertThat(telegram.sentFiles())
        .extracting(f ->
            f.file().fileName() + " " + f.file().mimeType() + " '" + f.file().caption() + "'")
        .containsExactly("a.pdf application/pdf ''", "b.txt text/plain ''");
    List<String> expected = new ArrayList<>();
    telegram.sent().forEach(m -> expected.add(m.messageId()));
    telegram.sentFiles().forEach(f -> expected.add(f.messageId()));
    assertThat(sent.messageIds()).containsExactlyElementsOf(expected);
    assertThat(store.outbox().find("send:report-7:file:0").map(Outbox.Entry::status))
        .contains(Outbox.Status.SENT);
    assertThat(store.outbox().find("send:report-7:file:1").map(Outbox.Entry::status))
        .contains(Outbox.Status.SENT);
  }

  @Test
  void theSameKeySendsEachFileOnceAndAnswersAlike() {
    List<Upload> files = List.of(upload("chart.png", "image/png", PNG));

    Outcome first = sends().send("telegram:42", "chart", files, "chart-1");
    Outcome again = sends().send("telegram:42", "chart", files, "chart-1");

    assertThat(again).isEqualTo(first);
    assertThat(telegram.sentFiles()).hasSize(1);
  }

  @Test
  void aFileMayGoWithoutText() {
    Outcome outcome =
        sends().send("telegram:42", "", List.of(upload("chart.png", "image/png", PNG)), null);

    assertThat(outcome).isInstanceOf(Outcome.Sent.class);
    assertThat(telegram.sent()).isEmpty();
    assertThat(telegram.sentFiles().getFirst().file().caption()).isEmpty();
  }

  @Test
  void theSweepHasTheFilesAgainOnceTheSendIsOver() throws Exception {
    sends().send("telegram:42", "chart", List.of(upload("chart.png", "image/png", PNG)), null);

    Path kept = telegram.sentFiles().getFirst().file().path();
    assertThat(kept).exists();
    assertThat(attachments.sweep(name -> false, LATER)).isEqualTo(1);
    assertThat(kept).doesNotExist();
  }

  @Test
  void filesThatCannotGoRefuseTheWholeSendAndNothingIsSent() {
    assertThat(refusal(sends(telegram, 4), "hi", upload("chart.png", "image/png", PNG)))
        .isEqualTo(
            "413 chart.png is larger than the 4 bytes this gateway sends" + " (media.max_file_mb)");
    assertThat(refusal(sends(), "hi", upload("empty.txt", "text/plain", new byte[0])))
        .isEqualTo("400 empty.txt is empty: there is nothing to send");
    InMemoryAdapter textOnly =
        new InMemoryAdapter("irc", new PlatformLimits(100, true, Duration.ZERO)) {
          @Override
          public FileLimits fileLimits() {
            return FileLimits.NONE;
          }
        };
    store.journal().record(textOnly.message("42", "hello"));
    assertThat(refusal(sends(textOnly, 1 << 20), "irc:42", "hi", upload("a.png", null, PNG)))
        .isEqualTo("400 irc takes no files from Switchboard; send the text alone");
    List<Upload> eleven = IntStream.range(0, ProactiveSender.MAX_FILES + 1)
        .mapToObj(i -> upload(i + ".png", "image/png", PNG))
        .toList();
    Outcome.Refused many = (Outcome.Refused) sends().send("telegram:42", "hi", eleven, null);
    assertThat(many.status()).isEqualTo(413);
    assertThat(many.reason()).isEqualTo("at most 10 files go in one send, not 11");
    assertThat(telegram.sent()).isEmpty();
    assertThat(telegram.sentFiles()).isEmpty();
  }

  @Test
  void aFileLargerThanThePlatformTakesIsRefused() {
    InMemoryAdapter small =
        new InMemoryAdapter("telegram", new PlatformLimits(100, true, Duration.ZERO)) {
          @Override
          public FileLimits fileLimits() {
            return new FileLimits(10, 10, 1024);
          }
        };

    assertThat(refusal(sends(small, 1 << 20), "big", upload("chart.png", "image/png", PNG)))
        .isEqualTo("413 chart.png is 15 bytes; telegram takes files of at most 10 bytes");
    assertThat(small.sentFiles()).isEmpty();
  }

  private String refusal(ProactiveSend sends, String text, Upload file) {
    return refusal(sends, "telegram:42", text, file);
  }

  private String refusal(ProactiveSend sends, String target, String text, Upload file) {
    Outcome.Refused r = (Outcome.Refused) sends.send(target, text, List.of(file), null);
    return r.status() + " " + r.reason();
  }
}
