package dev.switchboard.store;

import dev.switchboard.common.Json;
import dev.switchboard.platform.Attachment;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;

/**
 * A message's attachments as one JSON text, the way the stores keep them next to the message:
 * {@code [{"kind":"IMAGE","mime_type":"image/jpeg","size":1234,"file_name":null,"ref":"…",
 * "sha256":"…"}]}. A message of text alone has none (null), so the rows of most messages carry
 * nothing extra.
 */
public final class AttachmentColumn {
  private static final ObjectWriter WRITER = Json.mapper()
      .writerFor(new TypeReference<List<Attachment>>() {})
      .without(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectReader READER =
      Json.mapper().readerFor(new TypeReference<List<Attachment>>() {});

  private AttachmentColumn() {}

  public static @Nullable String write(List<Attachment> attachments) {
    if (attachments.isEmpty()) {
      return null;
    }
    return WRITER.writeValueAsString(attachments);
  }

  /** The attachments a row holds; a row that cannot be read is a store fault. */
  public static List<Attachment> read(@Nullable String column) {
    if (column == null || column.isEmpty()) {
      return List.of();
    }
    try {
      return List.copyOf(READER.<List<Attachment>>readValue(column));
    } catch (JacksonException e) {
      throw new StoreException(
          "unreadable attachments in the journal: " + e.getOriginalMessage(), e);
    }
  }
}
