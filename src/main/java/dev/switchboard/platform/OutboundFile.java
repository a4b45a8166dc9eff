package dev.switchboard.platform;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file the gateway sends to a chat: an image, a voice note or a document the agent made.
 *
 * @param kind decides how it is shown: an image inline, a voice note as one where the platform
 *     has them, anything else as a file to download
 * @param fileName the name the recipient sees
 * @param path where its bytes are (in the attachment store)
 * @param caption plain text to show with it, already within {@link FileLimits#maxCaptionLength};
 *     empty for none
 */
public record OutboundFile(
    AttachmentKind kind, String mimeType, String fileName, Path path, long size, String caption) {
  public OutboundFile {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(mimeType, "mimeType");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(caption, "caption");
  }

  public OutboundFile withCaption(String text) {
    return new OutboundFile(kind, mimeType, fileName, path, size, text);
  }
}
