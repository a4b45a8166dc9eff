package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Sleeper;
import dev.switchboard.media.AttachmentStore;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.Pruner;
import dev.switchboard.store.Retention;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttachmentSweepTest {
  @TempDir
  Path home;

  private final ManualClock clock = new ManualClock();
  private final InMemoryStore store = new InMemoryStore(clock);

  private InboundMessage withFile(String id, AttachmentStore.StoredFile file) {
    return new InboundMessage(
            ChatRef.of("mem", "c"), id, new Sender("u", "U"), "", false, clock.instant())
        .withAttachments(List.of(new Attachment(AttachmentKind.IMAGE, "image/png", 1, null, id)
            .stored(file.sha256(), file.size())));
  }

  private void age(AttachmentStore.StoredFile f, Duration by) throws IOException {
    Files.setLastModifiedTime(f.path(), FileTime.from(clock.instant().minus(by)));
  }

  @Test
  void theFilesOfForgottenMessagesGoAfterTheRetentionPassAndClaimedOrFreshOnesStay()
      throws Exception {
    AttachmentStore files = AttachmentStore.in(home);
    AttachmentStore.StoredFile ofForgotten = files.put(new byte[] {1});
    AttachmentStore.StoredFile ofKept = files.put(new byte[] {2});
    AttachmentStore.StoredFile justFetched = files.put(new byte[] {3});
    InboundMessage old = withFile("1", ofForgotten);
    store.journal().record(old);
    store.journal().markDone(old, "answered");
    clock.advance(Duration.ofDays(8));
    store.journal().record(withFile("2", ofKept));
    age(ofForgotten, Duration.ofDays(8));
    age(ofKept, Duration.ofDays(8));
    age(justFetched, Duration.ofMinutes(5));

    StoreUpkeep upkeep = new StoreUpkeep(
        new Pruner(store, Retention.DEFAULTS, clock, clock, clock),
        Sleeper.SYSTEM,
        new AttachmentSweep(files, store.journal(), clock));
    upkeep.passOnce();

    assertThat(ofForgotten.path()).doesNotExist();
    assertThat(ofKept.path()).exists();
    assertThat(justFetched.path()).as("younger than the grace").exists();
  }

  @Test
  void aSweepThatFailsIsLoggedAndThePassStillEnds() throws Exception {
    StoreUpkeep upkeep = new StoreUpkeep(
        new Pruner(store, Retention.DEFAULTS, clock, clock, clock), Sleeper.SYSTEM, () -> {
          throw new IOException("disk gone");
        });
    assertThat(upkeep.passOnce()).isEqualTo(Retention.DEFAULTS.passInterval());
  }
}
