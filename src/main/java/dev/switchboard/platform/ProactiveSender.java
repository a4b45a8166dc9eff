package dev.switchboard.platform;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Sends a message the gateway is asked to send on its own initiative ({@code switchboard send},
 * {@code POST /v1/send}) to a chat named by a target ({@code telegram:123456}, {@code
 * slack:C0123:1712345678.000100}): through the outbox, within the platform's rate limits, once
 * per idempotency key. It may bring files, which go after its text, or with the text as their
 * caption.
 */
public interface ProactiveSender {
  /** The most files one send may bring. */
  int MAX_FILES = 10;

  /** What became of a send. */
  sealed interface Outcome {
    /** Delivered: the platform's ids of the messages it took (text, then files), in order. */
    record Sent(ChatRef chat, List<String> messageIds) implements Outcome {
      public Sent {
        messageIds = List.copyOf(messageIds);
      }
    }

    /** Not sent (or not all of it); {@code status} is the HTTP status that fits. */
    record Refused(int status, String reason) implements Outcome {}
  }

  /** Opens a file's bytes from their start; the caller closes the stream. */
  @FunctionalInterface
  interface Bytes {
    InputStream open() throws IOException;
  }

  /**
   * A file the requester brought to send.
   *
   * @param fileName the name the recipient sees
   * @param mimeType as the requester declared it; null (or application/octet-stream) when it
   *     did not know, then guessed from the name
   * @param bytes its content, opened while the request lasts
   */
  record Upload(String fileName, @Nullable String mimeType, Bytes bytes) {
    public Upload {
      Objects.requireNonNull(fileName, "fileName");
      Objects.requireNonNull(bytes, "bytes");
    }
  }

  /** {@link #send(String, String, List, String)} with no files. */
  default Outcome send(String target, String text, @Nullable String idempotencyKey) {
    return send(target, text, List.of(), idempotencyKey);
  }

  /**
   * Sends {@code text} (Markdown) and {@code files} to {@code target}.
   *
   * @param text may be blank when there are files
   * @param idempotencyKey the same key sent again is answered with the first send's messages,
   *     nothing is sent twice; null for a send that is never repeated
   */
  Outcome send(String target, String text, List<Upload> files, @Nullable String idempotencyKey);
}
