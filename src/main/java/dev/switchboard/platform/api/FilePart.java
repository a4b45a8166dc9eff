package dev.switchboard.platform.api;

import dev.switchboard.platform.AttachmentKind;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/** A file a request's message carries in a content part, as the part describes it. */
sealed interface FilePart {
  /** Where it is in the request, for errors: {@code messages[0].content[1]}. */
  String param();

  /** Its bytes are in the request: base64, checked when the request was read. */
  record Inline(
      AttachmentKind kind,
      String mimeType,
      @Nullable String fileName,
      long size,
      Blob data,
      String param)
      implements FilePart {}

  /** An image the request names by its https: address, fetched before the turn. */
  record WebImage(URI uri, String param) implements FilePart {}
}
