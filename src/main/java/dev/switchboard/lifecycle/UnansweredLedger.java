package dev.switchboard.lifecycle;

import dev.switchboard.common.AtomicFiles;
import dev.switchboard.common.Json;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.session.DrainReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * {@code unanswered.json}: messages this process accepted but will not answer because it is
 * stopping (dropped from a queue, refused during the drain, or interrupted). Written on every
 * addition; the next process tells each chat once that it is back and what to resend
 * (lifecycle rule 5, "mark their sessions resume-pending").
 */
public final class UnansweredLedger {
  public static final String NAME = "unanswered.json";
  private static final Logger log = LoggerFactory.getLogger(UnansweredLedger.class);

  /** One message that went unanswered. */
  public record Entry(String platform, String chatId, String threadId, String messageId,
      String reason) {
    public ChatRef chat() {
      return new ChatRef(platform, chatId, threadId);
    }
  }

  private final Path file;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Entry> entries = new LinkedHashMap<>(); // guarded by lock

  public UnansweredLedger(Path home) {
    this.file = home.resolve(NAME);
  }

  public void add(InboundMessage message, DrainReason reason) {
    lock.lock();
    try {
      if (entries.isEmpty()) {
        // Entries a previous process left and nobody claimed yet must survive this write.
        readFile().forEach(e -> entries.put(key(e), e));
      }
      ChatRef c = message.chat();
      Entry e = new Entry(c.platform(), c.chatId(), c.threadId(), message.messageId(),
          reason.name().toLowerCase(java.util.Locale.ROOT));
      if (entries.putIfAbsent(key(e), e) == null) {
        AtomicFiles.write(file, Json.mapper().writeValueAsBytes(List.copyOf(entries.values())));
      }
    } catch (IOException | JacksonException e) {
      log.warn("could not record an unanswered message from {} in {}: {}", message.chat(), file,
          e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  /** Removes and returns everything recorded, by this process or an earlier one. */
  public List<Entry> claimAll() {
    lock.lock();
    try {
      List<Entry> all = new ArrayList<>(readFile());
      for (Entry e : entries.values()) {
        if (all.stream().noneMatch(x -> key(x).equals(key(e)))) {
          all.add(e);
        }
      }
      entries.clear();
      Files.deleteIfExists(file);
      return all;
    } catch (IOException e) {
      log.warn("could not clear {}: {}", file, e.getMessage());
      return List.of();
    } finally {
      lock.unlock();
    }
  }

  private List<Entry> readFile() {
    try {
      List<Entry> entries = Json.mapper().readValue(Files.readAllBytes(file),
          new TypeReference<List<Entry>>() {});
      return entries == null ? List.of()
          : entries.stream().filter(e -> e != null && e.platform() != null
              && e.chatId() != null).toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException | JacksonException e) {
      log.warn("ignoring unreadable {}: {}", file, e.getMessage());
      return List.of();
    }
  }

  private static String key(Entry e) {
    return e.platform() + ":" + e.chatId() + ":" + e.messageId();
  }
}
