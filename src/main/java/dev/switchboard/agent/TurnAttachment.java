package dev.switchboard.agent;

import dev.switchboard.platform.AttachmentKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A file the user sent with this turn, its bytes already in the gateway's attachment store.
 *
 * @param name what the user called it, or a word for it ("an image") when it had no name
 * @param path where its bytes are; read them with {@link #bytes()}
 * @param text what the gateway read out of it: a document's text (plain text, Markdown, CSV,
 *     JSON, source code, a PDF's text), cut to fit with a note saying so; a voice note's
 *     transcript. Null when it has none (an image, or a file nobody can read)
 */
public record TurnAttachment(
    AttachmentKind kind,
    String mimeType,
    String name,
    long size,
    Path path,
    @Nullable String text) {
  public TurnAttachment {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(mimeType, "mimeType");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
  }

  public byte[] bytes() throws IOException {
    return Files.readAllBytes(path);
  }
}
