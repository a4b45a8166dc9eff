package dev.switchboard.delivery;

import dev.switchboard.common.SpokenSize;
import dev.switchboard.media.AttachmentStore;
import dev.switchboard.media.OutgoingFiles;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.ProactiveSender;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one send on request, kept in the attachment store before anything is sent and
 * held there until the send is over: they belong to no message of the journal, so the sweep
 * would otherwise see them as nobody's. Each is checked against {@code media.max_file_mb} and
 * what the chat's platform takes; the first that cannot go refuses the whole send, so nothing
 * is sent in part for a reason known up front.
 */
final class HeldUploads implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HeldUploads.class);

  /** Why the files cannot go; nothing was sent. */
  static final class Refusal extends Exception {
    private final ProactiveSender.Outcome.Refused outcome;

    Refusal(int status, String reason) {
      super(reason, null, false, false);
      this.outcome = new ProactiveSender.Outcome.Refused(status, reason);
    }

    ProactiveSender.Outcome.Refused outcome() {
      return outcome;
    }
  }

  private final List<OutboundFile> files;
  private final List<AttachmentStore.Hold> holds;

  private HeldUploads(List<OutboundFile> files, List<AttachmentStore.Hold> holds) {
    this.files = List.copyOf(files);
    this.holds = List.copyOf(holds);
  }

  /** The files as they go, without captions, in the order they came. */
  List<OutboundFile> files() {
    return files;
  }

  /**
   * Keeps and holds {@code uploads} for {@code chat}; a {@link Refusal} (after letting go of
   * what was held) when one is too large, cannot be read, or the platform takes no files.
   */
  static HeldUploads keep(
      OutgoingFiles outgoing, ChatRef chat, FileLimits limits, List<ProactiveSender.Upload> uploads)
      throws Refusal {
    if (limits.maxUploadBytes() == 0) {
      throw new Refusal(
          400, chat.platform() + " takes no files from Switchboard; send the text alone");
    }
    List<OutboundFile> files = new ArrayList<>();
    List<AttachmentStore.Hold> holds = new ArrayList<>();
    try {
      for (ProactiveSender.Upload u : uploads) {
        OutgoingFiles.Ready ready = keepOne(outgoing, u);
        holds.add(outgoing.hold(ready));
        if (ready.file().size() == 0) {
          throw new Refusal(400, u.fileName() + " is empty: there is nothing to send");
        }
        if (ready.file().size() > limits.maxUploadBytes()) {
          throw new Refusal(
              413,
              u.fileName() + " is " + SpokenSize.of(ready.file().size()) + "; " + chat.platform()
                  + " takes files of at most " + SpokenSize.of(limits.maxUploadBytes()));
        }
        files.add(new OutboundFile(
            ready.kind(),
            ready.mimeType(),
            ready.fileName(),
            ready.file().path(),
            ready.file().size(),
            ""));
      }
    } catch (Refusal | RuntimeException e) {
      holds.forEach(AttachmentStore.Hold::close);
      throw e;
    }
    return new HeldUploads(files, holds);
  }

  private static OutgoingFiles.Ready keepOne(OutgoingFiles outgoing, ProactiveSender.Upload u)
      throws Refusal {
    try (InputStream in = u.bytes().open()) {
      return outgoing.keep(u.fileName(), u.mimeType(), in);
    } catch (AttachmentStore.TooLargeException e) {
      throw new Refusal(
          413,
          u.fileName() + " is larger than the " + SpokenSize.of(outgoing.maxFileBytes())
              + " this gateway sends (media.max_file_mb)");
    } catch (IOException e) {
      log.warn("could not keep {} to send it: {}", u.fileName(), e.toString());
      throw new Refusal(
          500, "the gateway could not keep " + u.fileName() + " to send it: " + e.getMessage());
    }
  }

  /** Lets the sweep have the files again (a finished send needs them no more). */
  @Override
  public void close() {
    holds.forEach(AttachmentStore.Hold::close);
  }
}
