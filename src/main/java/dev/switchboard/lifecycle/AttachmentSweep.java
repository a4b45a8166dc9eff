package dev.switchboard.lifecycle;

import dev.switchboard.media.AttachmentStore;
import dev.switchboard.store.InboundJournal;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * Deletes the attachment files no message the journal keeps claims any more: their messages
 * were forgotten by retention, so their files go with them. A file younger than {@link #GRACE}
 * is left, since its message may not be recorded as holding it yet.
 */
final class AttachmentSweep implements StoreUpkeep.FileSweep {
  static final Duration GRACE = Duration.ofHours(1);

  private final AttachmentStore store;
  private final InboundJournal journal;
  private final Clock clock;

  AttachmentSweep(AttachmentStore store, InboundJournal journal, Clock clock) {
    this.store = store;
    this.journal = journal;
    this.clock = clock;
  }

  @Override
  public int run() throws IOException {
    return store.sweep(journal.storedAttachments()::contains, clock.instant().minus(GRACE));
  }
}
