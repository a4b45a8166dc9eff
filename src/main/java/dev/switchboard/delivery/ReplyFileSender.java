package dev.switchboard.delivery;

import dev.switchboard.media.OutgoingFiles;
import dev.switchboard.media.ReplyFiles;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.OutboundFile;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one reply: taken out of its text ({@link ReplyFiles}), made ready ({@link
 * OutgoingFiles}), checked against what the chat's platform takes, and sent after the text
 * under keys of their own, in the order the reply named them. A reply delivered again after a
 * restart names the same files in the same order, so each key means the same file and none is
 * sent twice.
 */
final class ReplyFileSender {
  private static final Logger log = LoggerFactory.getLogger(ReplyFileSender.class);

  private final PartSender parts;
  private final @Nullable OutgoingFiles outgoing;
  private final ChatRef chat;
  private final String keyPrefix;
  private final String inboundKey;

  /** The text to send, with a line for each file that cannot go, and the files that can. */
  record Prepared(String text, List<OutboundFile> files) {}

  ReplyFileSender(
      PartSender parts,
      @Nullable OutgoingFiles outgoing,
      ChatRef chat,
      String keyPrefix,
      String inboundKey) {
    this.parts = parts;
    this.outgoing = outgoing;
    this.chat = chat;
    this.keyPrefix = keyPrefix;
    this.inboundKey = inboundKey;
  }

  /** Without a way to make files ready (no attachment store), the reply is text as written. */
  Prepared prepare(String body) throws InterruptedException {
    if (outgoing == null) {
      return new Prepared(body, List.of());
    }
    ReplyFiles.Split split = ReplyFiles.split(body);
    if (split.files().isEmpty()) {
      return new Prepared(body, List.of());
    }
    FileLimits limits = parts.fileLimits(chat);
    List<OutboundFile> files = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (ReplyFiles.Wanted wanted : split.files()) {
      String label = wanted.source().label();
      if (limits.maxUploadBytes() == 0) {
        lines.add(
            wanted.source() instanceof ReplyFiles.WebAddress w
                ? "[" + (wanted.caption().isEmpty() ? label : wanted.caption()) + "](" + w.url()
                    + ")"
                : "\u26a0\ufe0f " + label + " cannot be shown here: this chat takes no files.");
        continue;
      }
      switch (outgoing.resolve(wanted.source())) {
        case OutgoingFiles.Refused r ->
          lines.add("\u26a0\ufe0f Could not send " + label + ": " + r.why() + ".");
        case OutgoingFiles.Ready ready -> {
          if (ready.file().size() > limits.maxUploadBytes()) {
            lines.add("\u26a0\ufe0f Could not send " + label + ": it is larger than the "
                + limits.maxUploadBytes() / (1024 * 1024) + " MB " + chat.platform()
                + " takes.");
            continue;
          }
          String caption = wanted.caption();
          if (caption.length() > limits.maxCaptionLength()) {
            lines.add(caption);
            caption = "";
          }
          files.add(new OutboundFile(
              ready.kind(),
              ready.mimeType(),
              ready.fileName(),
              ready.file().path(),
              ready.file().size(),
              caption));
        }
      }
    }
    StringBuilder text = new StringBuilder(split.text());
    for (String line : lines) {
      if (!text.isEmpty()) {
        text.append("\n\n");
      }
      text.append(line);
    }
    if (text.isEmpty()) {
      text.append(
          files.size() == 1
              ? "\ud83d\udcce " + files.getFirst().fileName()
              : "\ud83d\udcce " + files.size() + " files");
    }
    return new Prepared(text.toString(), List.copyOf(files));
  }

  /** Sends the files; false when one could not be delivered. */
  boolean send(List<OutboundFile> files, boolean afterRestart) {
    boolean all = true;
    for (int i = 0; i < files.size(); i++) {
      OutboundFile f = files.get(i);
      if (parts
          .sendFile(OutboxKeys.replyFile(keyPrefix, i), chat, f, inboundKey, afterRestart)
          .isEmpty()) {
        log.warn("could not send {} ({}) to {}", f.fileName(), f.kind().word(), chat);
        all = false;
      }
    }
    return all;
  }
}
