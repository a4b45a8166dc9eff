package dev.switchboard.lifecycle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.AtomicFiles;
import dev.switchboard.common.Json;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * {@code restart_ledger.json}: who asked for the pending restart (lifecycle rule 6) and which
 * /restart messages were already honoured (rule 7), in one file written atomically, so the
 * requester and the "do not restart again" mark can never disagree.
 *
 * <p>The next process claims the requester by rewriting the file without it <em>before</em>
 * sending "restarted": a crash in between loses that one notice rather than sending it twice,
 * and a failed send still removes the record.
 */
public final class RestartLedger {
  public static final String NAME = "restart_ledger.json";
  /** Enough to recognise redeliveries, which come within minutes; old keys are dropped. */
  static final int HONOURED_KEPT = 200;

  private static final Logger log = LoggerFactory.getLogger(RestartLedger.class);

  /** The chat and message that asked for a restart. */
  public record Requester(
      String platform,
      String chatId,
      @Nullable String threadId,
      String messageId,
      String userId,
      Instant requestedAt) {
    ChatRef chat() {
      return new ChatRef(platform, chatId, threadId);
    }
  }

  record Content(@Nullable Requester pending, List<String> honoured) {
    Content {
      honoured = honoured == null
          ? List.of()
          : honoured.stream().filter(Objects::nonNull).toList();
    }
  }

  private final Path file;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private Content content;

  public RestartLedger(Path home) {
    this.file = home.resolve(NAME);
    this.content = load(file);
  }

  private static Content load(Path file) {
    try {
      Content c = Json.mapper().readValue(Files.readAllBytes(file), Content.class);
      return c == null ? new Content(null, List.of()) : c;
    } catch (NoSuchFileException e) {
      return new Content(null, List.of());
    } catch (IOException | JacksonException e) {
      log.warn("ignoring unreadable {}: {}", file, e.getMessage());
      return new Content(null, List.of());
    }
  }

  public boolean honoured(InboundMessage message) {
    lock.lock();
    try {
      return content.honoured().contains(message.dedupeKey());
    } finally {
      lock.unlock();
    }
  }

  /** Records the requester and marks the message honoured, durably, before the stop begins. */
  public void record(InboundMessage message, Instant now) throws IOException {
    lock.lock();
    try {
      List<String> honoured = new ArrayList<>(content.honoured());
      honoured.add(message.dedupeKey());
      while (honoured.size() > HONOURED_KEPT) {
        honoured.removeFirst();
      }
      ChatRef chat = message.chat();
      Content next = new Content(
          new Requester(
              chat.platform(),
              chat.chatId(),
              chat.threadId(),
              message.messageId(),
              message.sender().userId(),
              now),
          honoured);
      write(next);
      content = next;
    } finally {
      lock.unlock();
    }
  }

  /** Takes the pending requester out of the file; it is returned at most once, ever. */
  public Optional<Requester> claimPending() {
    lock.lock();
    try {
      Requester pending = content.pending();
      if (pending == null) {
        return Optional.empty();
      }
      Content next = new Content(null, content.honoured());
      try {
        write(next);
      } catch (IOException e) {
        // Sending anyway would repeat the notice after every restart until the disk recovers.
        log.warn(
            "could not clear the restart requester in {} ({}); not sending 'restarted'",
            file,
            e.getMessage());
        return Optional.empty();
      }
      content = next;
      return Optional.of(pending);
    } finally {
      lock.unlock();
    }
  }

  private void write(Content c) throws IOException {
    try {
      AtomicFiles.write(file, Json.mapper().writeValueAsBytes(c));
    } catch (JacksonException e) {
      throw new IOException(e);
    }
  }
}
