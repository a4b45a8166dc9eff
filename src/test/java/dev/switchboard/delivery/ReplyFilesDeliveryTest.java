package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Ticker;
import dev.switchboard.media.AttachmentStore;
import dev.switchboard.media.MediaSettings;
import dev.switchboard.media.OutgoingFiles;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.store.Outbox;
import dev.switchboard.testing.AdapterOutbound;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reply's files under the outbox's rules: sent once, and sent again only after a crash. */
class ReplyFilesDeliveryTest {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 7, 7};
  private static final String REPLY = "Here it is.\n![the chart](data:image/png;base64,"
      + Base64.getEncoder().encodeToString(PNG) + ")";

  @TempDir
  Path home;

  private final InMemoryStore store = new InMemoryStore();
  private final InMemoryAdapter chat = new InMemoryAdapter("mem");
  private Delivery delivery;
  private InboundMessage asked;

  @BeforeEach
  void setUp() {
    chat.connect(m -> {}, null);
    delivery = new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system())
        .withFiles(new OutgoingFiles(AttachmentStore.in(home), MediaSettings.DEFAULTS));
    asked = chat.message("ann", "show me");
  }

  private String fileKey() {
    return OutboxKeys.replyPrefix(asked.dedupeKey(), 1) + "file:0";
  }

  @Test
  void aDeliveredReplysFileIsNotSentAgainWhenTheReplyIsDeliveredAgain() {
    assertThat(delivery.openReply(asked, 1).finish(REPLY)).isTrue();
    assertThat(chat.sentFiles()).singleElement().satisfies(f -> {
      assertThat(f.bytes()).isEqualTo(PNG);
      assertThat(f.file().caption()).isEqualTo("the chart");
    });
    assertThat(store.outbox().find(fileKey()).orElseThrow().status()).isEqualTo(Outbox.Status.SENT);

    assertThat(delivery.redeliver(asked, 1, REPLY)).isTrue();

    assertThat(chat.sentFiles()).hasSize(1);
    assertThat(chat.texts("ann")).containsExactly("Here it is.");
  }

  @Test
  void aFileWhoseSendACrashCutOffIsSentAgainMarkedAfterTheRestart() {
    Outbox.Entry cut =
        store.outbox().claim(fileKey(), asked.chat(), "the chart", asked.dedupeKey());
    store.outbox().markSending(cut.id(), "the chart");

    assertThat(delivery.redeliver(asked, 1, REPLY)).isTrue();

    assertThat(chat.sentFiles()).singleElement().satisfies(f -> {
      assertThat(f.bytes()).isEqualTo(PNG);
      assertThat(f.file().caption()).isEqualTo("\u21bb Resent after a restart\nthe chart");
    });
  }

  @Test
  void withoutTheFileStepTheReplyIsSentAsTheTextItIs() {
    Delivery plain = new Delivery(new AdapterOutbound(chat), store.outbox(), Ticker.system());
    assertThat(plain.openReply(asked, 1).finish("![x](https://example.com/x.png)"))
        .isTrue();
    assertThat(chat.sentFiles()).isEmpty();
    assertThat(chat.texts("ann")).containsExactly("![x](https://example.com/x.png)");
  }
}
