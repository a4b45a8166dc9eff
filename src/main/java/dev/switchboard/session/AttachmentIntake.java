package dev.switchboard.session;

import dev.switchboard.agent.TurnAttachment;
import dev.switchboard.media.AttachmentStore;
import dev.switchboard.media.DocumentText;
import dev.switchboard.media.MediaSettings;
import dev.switchboard.media.Transcriber;
import dev.switchboard.media.TranscriptionSettings;
import dev.switchboard.media.VoiceException;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.store.InboundJournal;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a message's attachments ready for its turn: fetches each from its platform once into
 * the attachment store, within the gateway's limits and the platform's, and records in the
 * journal where it is kept, so a turn run again after a restart finds it there instead of
 * fetching it again. A file that cannot be taken (too large, the store full, a download that
 * failed) is left out with one line for the user saying why; the message's text still goes to
 * the agent.
 */
public final class AttachmentIntake {
  private static final Logger log = LoggerFactory.getLogger(AttachmentIntake.class);
  private static final long MB = 1024L * 1024;

  private final AttachmentSource source;
  private final @Nullable AttachmentStore store;
  private final MediaSettings limits;
  private final Consumer<InboundMessage> recordFetched;
  private final @Nullable Transcriber transcriber;
  private final TranscriptionSettings voice;

  /**
   * What the turn gets: the message (its attachments now with their place in the store), the
   * files ready for the agent, why each file left out was, and the lines the user sees about
   * them (what was left out or could not be read, what a voice note was heard to say), in the
   * order of the files.
   */
  record Prepared(
      InboundMessage message,
      List<TurnAttachment> attachments,
      Map<Attachment, String> leftOut,
      List<String> notices) {}

  public AttachmentIntake(
      AttachmentSource source,
      AttachmentStore store,
      MediaSettings limits,
      InboundJournal journal) {
    this(source, store, limits, journal::recordAttachments, null, TranscriptionSettings.DISABLED);
  }

  /**
   * @param transcriber turns voice notes and audio into text for the agent; null when {@code
   *     voice} is not {@link TranscriptionSettings#enabled()}
   */
  public AttachmentIntake(
      AttachmentSource source,
      AttachmentStore store,
      MediaSettings limits,
      InboundJournal journal,
      @Nullable Transcriber transcriber,
      TranscriptionSettings voice) {
    this(source, store, limits, journal::recordAttachments, transcriber, voice);
  }

  private AttachmentIntake(
      AttachmentSource source,
      @Nullable AttachmentStore store,
      MediaSettings limits,
      Consumer<InboundMessage> recordFetched,
      @Nullable Transcriber transcriber,
      TranscriptionSettings voice) {
    this.source = source;
    this.store = store;
    this.limits = limits;
    this.recordFetched = recordFetched;
    this.transcriber = transcriber;
    this.voice = voice;
  }

  /** An intake with nowhere to keep files: every attachment is left out, with a word. */
  public static AttachmentIntake none() {
    return new AttachmentIntake(
        AttachmentSource.NONE,
        null,
        MediaSettings.DEFAULTS,
        m -> {},
        null,
        TranscriptionSettings.DISABLED);
  }

  Prepared prepare(InboundMessage m) {
    if (m.attachments().isEmpty()) {
      return new Prepared(m, List.of(), Map.of(), List.of());
    }
    List<Attachment> recorded = new ArrayList<>();
    List<TurnAttachment> ready = new ArrayList<>();
    Map<Attachment, String> leftOut = new LinkedHashMap<>();
    List<String> notices = new ArrayList<>();
    boolean fetched = false;
    for (Attachment a : m.attachments()) {
      Optional<AttachmentStore.StoredFile> kept = kept(a);
      if (kept.isEmpty()) {
        try {
          kept = Optional.of(fetch(m.chat().platform(), a));
          fetched = true;
        } catch (Refused r) {
          log.info("left out {} of {}: {}", a.kind().word(), m.dedupeKey(), r.why());
          leftOut.put(a, r.why());
          notices.add("\u26a0\ufe0f I could not take " + a.describe() + ": " + r.why());
          recorded.add(a);
          continue;
        }
      }
      AttachmentStore.StoredFile file = kept.get();
      Attachment stored = a.stored(file.sha256(), file.size());
      recorded.add(stored);
      String text = null;
      if (a.kind() == AttachmentKind.DOCUMENT) {
        switch (documentText(a, file)) {
          case DocumentText.Text t -> text = t.text();
          case DocumentText.NoText n ->
            notices.add("\u26a0\ufe0f I could not read " + a.describe() + ": " + n.reason());
        }
      } else if (a.kind().audible() && transcriber != null) {
        text = transcript(a, file, notices);
      }
      ready.add(
          new TurnAttachment(a.kind(), a.mimeType(), a.describe(), file.size(), file.path(), text));
    }
    InboundMessage updated = m.withAttachments(recorded);
    if (fetched) {
      recordFetched.accept(updated);
    }
    return new Prepared(updated, ready, leftOut, notices);
  }

  /** What the voice note says, or null (with a line for the user) when it cannot be heard. */
  private @Nullable String transcript(
      Attachment a, AttachmentStore.StoredFile file, List<String> notices) {
    try {
      String heard =
          Objects.requireNonNull(transcriber).transcribe(file.path(), a.mimeType(), a.fileName());
      if (voice.showTranscript() && !heard.isEmpty()) {
        notices.add(voice.shownTranscript(heard));
      }
      return heard.isEmpty() ? null : heard;
    } catch (VoiceException e) {
      log.warn("transcribing {} failed: {}", a.describe(), e.getMessage());
      notices.add("\u26a0\ufe0f I could not transcribe " + a.describe() + ": " + e.userMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the turn is being stopped; it sees the flag next
      return null;
    }
  }

  private DocumentText.Outcome documentText(Attachment a, AttachmentStore.StoredFile file) {
    try {
      return DocumentText.read(file.path(), a.mimeType(), a.fileName(), limits.documentChars());
    } catch (IOException e) {
      log.warn("could not read the stored {}: {}", file.path(), e.toString());
      return new DocumentText.NoText("it could not be read from the gateway's store");
    }
  }

  private Optional<AttachmentStore.StoredFile> kept(Attachment a) {
    return store == null || a.sha256() == null ? Optional.empty() : store.find(a.sha256());
  }

  private AttachmentStore.StoredFile fetch(String platform, Attachment a) throws Refused {
    if (store == null) {
      throw new Refused("this gateway keeps no files");
    }
    FileLimits platformLimits = source.fileLimits(platform);
    long limit = limits.maxFileBytes();
    String whose = "this gateway accepts";
    if (platformLimits.maxDownloadBytes() > 0 && platformLimits.maxDownloadBytes() < limit) {
      limit = platformLimits.maxDownloadBytes();
      whose = platform + " lets bots download";
    }
    if (a.size() > limit) {
      throw new Refused("it is larger than the " + megabytes(limit) + " " + whose);
    }
    try {
      long room = limits.maxTotalBytes() - store.totalBytes();
      if (room <= 0 || a.size() > room) {
        throw new Refused("the gateway's space for files is full; try again later");
      }
      try (InputStream in = source.download(platform, a)) {
        return store.put(in, Math.min(limit, room));
      }
    } catch (AttachmentStore.TooLargeException e) {
      throw new Refused(
          e.limit() < limit
              ? "the gateway's space for files is full; try again later"
              : "it is larger than the " + megabytes(limit) + " " + whose);
    } catch (PlatformException e) {
      throw new Refused(String.valueOf(e.getMessage()));
    } catch (IOException e) {
      // The platform's own words can hold a URL with the bot's token in it: the log only,
      // where secrets are masked.
      log.warn("downloading a {} from {} failed: {}", a.kind().word(), platform, e.toString());
      throw new Refused("the download from " + platform + " broke off; please send it again");
    }
  }

  private static String megabytes(long bytes) {
    double mb = (double) bytes / MB;
    return (mb == Math.rint(mb)
            ? String.valueOf((long) mb)
            : String.format(Locale.ROOT, "%.1f", mb))
        + " MB";
  }

  /** A file left out, with the reason in words for the user. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final String why;

    Refused(String why) {
      super(why, null, false, false);
      this.why = why;
    }

    String why() {
      return why;
    }
  }
}
