package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttachmentStoreTest {
  @TempDir
  Path home;

  @Test
  void aFileIsKeptUnderItsHashOwnerOnlyAndOnceForTheSameContent() throws Exception {
    AttachmentStore store = AttachmentStore.in(home);
    byte[] bytes = "a picture".getBytes(StandardCharsets.UTF_8);
    AttachmentStore.StoredFile first = store.put(new ByteArrayInputStream(bytes), 100);
    AttachmentStore.StoredFile again = store.put(bytes);
    assertThat(first.sha256())
        .isEqualTo("92b2fa58028958317e408bd84ecfa70f5ee35b121991dbc232c49d166353708b");
    assertThat(again).isEqualTo(first);
    assertThat(Files.readAllBytes(first.path())).isEqualTo(bytes);
    assertThat(first.size()).isEqualTo(bytes.length);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.path())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory())))
        .isEqualTo("rwx------");
    try (var listing = Files.list(store.directory())) {
      assertThat(listing).containsExactly(first.path());
    }
    assertThat(store.find(first.sha256())).contains(first);
    assertThat(store.totalBytes()).isEqualTo(bytes.length);
  }

  @Test
  void aStreamLongerThanTheLimitIsRefusedAndLeavesNothing() throws Exception {
    AttachmentStore store = AttachmentStore.in(home);
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(new byte[101]), 100))
        .isInstanceOf(AttachmentStore.TooLargeException.class)
        .hasMessage("larger than 100 bytes");
    try (var listing = Files.list(store.directory())) {
      assertThat(listing).isEmpty();
    }
    assertThat(store.put(new ByteArrayInputStream(new byte[100]), 100).size()).isEqualTo(100);
  }

  @Test
  void findRefusesWhatIsNotAContentHash() throws Exception {
    AttachmentStore store = AttachmentStore.in(home);
    store.put(new byte[] {1});
    assertThat(store.find("../../.env")).isEmpty();
    assertThat(store.find("0".repeat(64))).isEmpty();
  }

  @Test
  void theSweepDeletesUnclaimedOldFilesAndLeftoversOnly() throws Exception {
    AttachmentStore store = AttachmentStore.in(home);
    AttachmentStore.StoredFile kept = store.put(new byte[] {1});
    AttachmentStore.StoredFile unclaimed = store.put(new byte[] {2});
    AttachmentStore.StoredFile fresh = store.put(new byte[] {3});
    Path leftover = store.directory().resolve("incoming-1.part");
    Files.write(leftover, new byte[] {4});
    Instant now = Instant.parse("2026-12-03T10:00:00Z");
    FileTime old = FileTime.from(now.minusSeconds(7200));
    for (Path p : new Path[] {kept.path(), unclaimed.path(), leftover}) {
      Files.setLastModifiedTime(p, old);
    }
    Files.setLastModifiedTime(fresh.path(), FileTime.from(now));
    Set<String> claimed = Set.of(kept.sha256());

    assertThat(store.sweep(claimed::contains, now.minusSeconds(3600))).isEqualTo(2);

    assertThat(kept.path()).exists();
    assertThat(fresh.path()).exists();
    assertThat(unclaimed.path()).doesNotExist();
    assertThat(leftover).doesNotExist();
  }

  @Test
  void aHeldFileIsNotSweptUntilEveryHoldIsClosed() throws Exception {
    AttachmentStore store = AttachmentStore.in(home);
    AttachmentStore.StoredFile file = store.put("to send".getBytes(StandardCharsets.UTF_8));
    Instant later = Instant.now().plusSeconds(3600);
    AttachmentStore.Hold first = store.hold(file);
    AttachmentStore.Hold second = store.hold(file);

    assertThat(store.sweep(s -> false, later)).isZero();
    first.close();
    first.close(); // twice: still one hold left
    assertThat(store.sweep(s -> false, later)).isZero();
    assertThat(file.path()).exists();
    second.close();
    assertThat(store.sweep(s -> false, later)).isEqualTo(1);
    assertThat(file.path()).doesNotExist();
  }

  @Test
  void theSweepDeletesOldUploadsLeftInTheIncomingFolder() throws Exception {
    AttachmentStore store = AttachmentStore.in(home);
    Path incoming = Files.createDirectories(store.incoming());
    Path old = Files.writeString(incoming.resolve("MultiPart123"), "cut off");
    Path fresh = Files.writeString(incoming.resolve("MultiPart456"), "being read");
    Instant now = Instant.now();
    Files.setLastModifiedTime(old, FileTime.from(now.minusSeconds(7200)));

    assertThat(store.sweep(s -> false, now.minusSeconds(3600))).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
    assertThat(incoming).isDirectory();
  }

  @Test
  void aStoreThatWasNeverWrittenIsEmpty() throws Exception {
    AttachmentStore store = AttachmentStore.in(home);
    assertThat(store.totalBytes()).isZero();
    assertThat(store.sweep(s -> false, Instant.now())).isZero();
    assertThat(store.find("a".repeat(64))).isEmpty();
  }
}
