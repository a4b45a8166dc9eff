package dev.switchboard.platform.web;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.AtomicFiles;
import dev.switchboard.common.OwnerOnly;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the web page shows, kept in {@code web/<chat>.jsonl} in the state directory so a
 * restarted gateway shows the same conversations. Each change is one appended line, the last
 * line of an id wins; the growing text of a reply being streamed is kept in memory only and
 * written once the reply is complete ({@link #flush}), so a long reply costs one line, not one
 * per edit. A file is rewritten compactly when it is read at start. Lines are not fsynced:
 * this is the page's view, while what the agent must answer and what was sent are kept
 * durably by the journal and the outbox.
 */
final class ChatLogs {
  private static final Logger log = LoggerFactory.getLogger(ChatLogs.class);
  static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final int TITLE_CHARS = 60;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Set<OpenOption> APPEND =
      Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);

  private final Path dir;
  private final Clock clock;

  @GuardedBy("this")
  private final Map<String, Chat> chats = new HashMap<>();

  private static final class Chat {
    final Path file;
    final LinkedHashMap<String, WebMessage> messages = new LinkedHashMap<>();
    /** Messages whose latest text is not on disk yet. */
    final Set<String> unwritten = new LinkedHashSet<>();

    Instant updatedAt;

    Chat(Path file, Instant createdAt) {
      this.file = file;
      this.updatedAt = createdAt;
    }

    String title() {
      for (WebMessage m : messages.values()) {
        if (m.role().equals(WebMessage.USER) && !m.text().isBlank()) {
          String line = m.text().strip().lines().findFirst().orElse("");
          return line.length() <= TITLE_CHARS ? line : line.substring(0, TITLE_CHARS) + "\u2026";
        }
      }
      return ChatSummary.UNTITLED;
    }
  }

  ChatLogs(Path dir, Clock clock) {
    this.dir = dir;
    this.clock = clock;
  }

  /** Reads every conversation on disk; a damaged line is skipped with a warning. */
  synchronized void load() throws IOException {
    OwnerOnly.createDirectories(dir);
    chats.clear();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jsonl")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String id = name.substring(0, name.length() - ".jsonl".length());
        if (ID.matcher(id).matches()) {
          chats.put(id, read(file));
        }
      }
    }
  }

  private Chat read(Path file) throws IOException {
    // A line cut in the middle of a character (a crash, a full disk) must not make the whole
    // file unreadable: this reader replaces what it cannot decode instead of failing.
    List<String> lines;
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
      lines = in.lines().toList();
    }
    Chat chat = new Chat(file, Files.getLastModifiedTime(file).toInstant());
    int damaged = 0;
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode n = JSON.readTree(line);
        Instant at = Instant.parse(n.path("at").asString());
        if ("message".equals(n.path("type").asString())) {
          String id = n.path("id").asString();
          chat.messages.put(
              id, new WebMessage(id, n.path("role").asString(), n.path("text").asString(), at));
        }
        chat.updatedAt = at;
      } catch (RuntimeException e) { // JacksonException, a bad instant
        damaged++;
      }
    }
    if (damaged > 0) {
      log.warn("web chat {}: skipped {} damaged line(s)", file.getFileName(), damaged);
    }
    if (lines.size() > chat.messages.size() + 1) {
      rewrite(chat);
    }
    return chat;
  }

  private void rewrite(Chat chat) throws IOException {
    StringBuilder sb = new StringBuilder(line(created(chat.updatedAt)));
    for (WebMessage m : chat.messages.values()) {
      sb.append(line(messageLine(m)));
    }
    AtomicFiles.write(chat.file, sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  synchronized List<ChatSummary> list() {
    List<ChatSummary> out = new ArrayList<>();
    chats.forEach((id, c) -> out.add(new ChatSummary(id, c.title(), c.updatedAt)));
    out.sort(
        Comparator.comparing(ChatSummary::updatedAt).reversed().thenComparing(ChatSummary::id));
    return out;
  }

  synchronized ChatSummary create() {
    String id = UUID.randomUUID().toString();
    Instant now = clock.instant();
    Chat chat = new Chat(dir.resolve(id + ".jsonl"), now);
    append(chat, created(now));
    chats.put(id, chat);
    return new ChatSummary(id, chat.title(), now);
  }

  synchronized boolean exists(String chatId) {
    return chats.containsKey(chatId);
  }

  synchronized Optional<List<WebMessage>> messages(String chatId) {
    Chat chat = chats.get(chatId);
    return chat == null ? Optional.empty() : Optional.of(List.copyOf(chat.messages.values()));
  }

  synchronized boolean has(String chatId, String messageId) {
    Chat chat = chats.get(chatId);
    return chat != null && chat.messages.containsKey(messageId);
  }

  /**
   * Records a new message or the new text of one, on disk at once unless {@code inMemory} (a
   * reply's growing text, written by {@link #flush}); a chat the page never created (a reply
   * to a conversation whose file was removed) is created. Returns the title when it changed.
   */
  synchronized Optional<ChatSummary> put(String chatId, WebMessage message, boolean inMemory) {
    Chat chat = chats.get(chatId);
    if (chat == null) {
      chat = new Chat(dir.resolve(chatId + ".jsonl"), message.at());
      append(chat, created(message.at()));
      chats.put(chatId, chat);
    }
    String before = chat.title();
    WebMessage previous = chat.messages.get(message.id());
    WebMessage stored = previous == null
        ? message
        : new WebMessage(message.id(), previous.role(), message.text(), previous.at());
    chat.messages.put(message.id(), stored);
    chat.updatedAt = message.at();
    if (inMemory) {
      chat.unwritten.add(stored.id());
    } else {
      chat.unwritten.remove(stored.id());
      append(chat, messageLine(stored));
    }
    String after = chat.title();
    return before.equals(after)
        ? Optional.empty()
        : Optional.of(new ChatSummary(chatId, after, chat.updatedAt));
  }

  /** Writes what {@code chatId} kept in memory only. */
  synchronized void flush(String chatId) {
    Chat chat = chats.get(chatId);
    if (chat == null || chat.unwritten.isEmpty()) {
      return;
    }
    StringBuilder lines = new StringBuilder();
    // put() records a message before it marks it unwritten, and messages are never removed.
    chat.unwritten.forEach(
        id -> lines.append(line(messageLine(Objects.requireNonNull(chat.messages.get(id), id)))));
    chat.unwritten.clear();
    append(chat, lines.toString());
  }

  /** Writes what every chat kept in memory only (the gateway is stopping). */
  synchronized void flushAll() {
    List.copyOf(chats.keySet()).forEach(this::flush);
  }

  synchronized Optional<WebMessage> find(String chatId, String messageId) {
    Chat chat = chats.get(chatId);
    return chat == null ? Optional.empty() : Optional.ofNullable(chat.messages.get(messageId));
  }

  private static ObjectNode created(Instant at) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "created");
    n.put("at", at.toString());
    return n;
  }

  private static ObjectNode messageLine(WebMessage m) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "message");
    n.put("id", m.id());
    n.put("role", m.role());
    n.put("text", m.text());
    n.put("at", m.at().toString());
    return n;
  }

  private static String line(ObjectNode n) {
    return JSON.writeValueAsString(n) + "\n";
  }

  private static void append(Chat chat, ObjectNode n) {
    append(chat, line(n));
  }

  private static void append(Chat chat, String lines) {
    // Created owner-only: a conversation is as private as the login token that guards it.
    try (SeekableByteChannel out =
        Files.newByteChannel(chat.file, APPEND, OwnerOnly.fileAttributes(chat.file))) {
      ByteBuffer bytes = ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + chat.file, e);
    }
  }
}
