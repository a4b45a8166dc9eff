package dev.switchboard.platform.web;

import dev.switchboard.common.OwnerOnly;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the web page shows, one file per conversation in {@code web/} in the state directory
 * ({@link ChatLog}), so a restarted gateway shows the same conversations. At start only the
 * ends of each file are read (the list's title and time); a conversation's messages are read
 * from disk when the page asks for them, newest first, a page at a time, and the newest
 * messages of the conversations in use are kept within a budget of memory ({@link
 * WindowCache}). So neither the start's time nor the heap grows with the history.
 */
final class ChatLogs implements ChatHistory {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  /** How many messages a page holds unless the page asks for another number. */
  static final int PAGE_MESSAGES = 50;

  static final int MAX_PAGE_MESSAGES = 200;
  /**
   * How much memory the newest messages of the conversations in use may take: a small part of
   * the launcher's 112 MB heap, and room for dozens of conversations.
   */
  static final long CACHE_BYTES = 8L * 1024 * 1024;

  static final ChatLog.Limits LIMITS =
      new ChatLog.Limits(2 * PAGE_MESSAGES, 1024 * 1024, 1024 * 1024);

  private final Path dir;
  private final Clock clock;
  private final ChatLog.Limits limits;
  private final WindowCache windows;
  private final Map<String, ChatLog> chats = new ConcurrentHashMap<>();

  ChatLogs(Path dir, Clock clock) {
    this(dir, clock, LIMITS, CACHE_BYTES);
  }

  ChatLogs(Path dir, Clock clock, ChatLog.Limits limits, long cacheBytes) {
    this.dir = dir;
    this.clock = clock;
    this.limits = limits;
    this.windows = new WindowCache(cacheBytes);
  }

  /** The folder of the conversations' files. */
  Path directory() {
    return dir;
  }

  /** Reads the list of conversations: the two ends of each file, not the messages. */
  @Override
  public void load() throws IOException {
    OwnerOnly.createDirectories(dir);
    Map<String, ChatLog> found = new HashMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jsonl")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String id = name.substring(0, name.length() - ".jsonl".length());
        if (ID.matcher(id).matches()) {
          found.put(id, ChatLog.open(id, file, windows, limits));
        }
      }
    }
    windows.clear();
    chats.clear();
    chats.putAll(found);
  }

  @Override
  public List<ChatSummary> list() {
    List<ChatSummary> out = new ArrayList<>();
    chats.values().forEach(c -> out.add(c.summary()));
    out.sort(
        Comparator.comparing(ChatSummary::updatedAt).reversed().thenComparing(ChatSummary::id));
    return out;
  }

  @Override
  public ChatSummary create() {
    String id = UUID.randomUUID().toString();
    ChatLog chat = ChatLog.create(id, file(id), clock.instant(), windows, limits);
    chats.put(id, chat);
    return chat.summary();
  }

  @Override
  public boolean exists(String chatId) {
    return chats.containsKey(chatId);
  }

  /** Whether {@code messageId} is among the newest messages of {@code chatId}. */
  @Override
  public boolean has(String chatId, String messageId) {
    ChatLog chat = chats.get(chatId);
    return chat != null && chat.has(messageId);
  }

  /**
   * Records a new message, on disk at once; a chat the page never created (a reply to a
   * conversation whose file was removed) is created. Returns the title when it changed.
   */
  @Override
  public Optional<ChatSummary> add(String chatId, WebMessage message) {
    return chats
        .computeIfAbsent(chatId, id -> ChatLog.create(id, file(id), message.at(), windows, limits))
        .add(message);
  }

  /** See {@link ChatLog#edit}; empty when there is no such conversation or message. */
  @Override
  public Optional<WebMessage> edit(
      String chatId,
      String messageId,
      String text,
      WebMessage.Markup markup,
      Instant at,
      boolean inMemory) {
    ChatLog chat = chats.get(chatId);
    return chat == null ? Optional.empty() : chat.edit(messageId, text, markup, at, inMemory);
  }

  /**
   * The {@code limit} newest messages of {@code chatId} before {@code cursor} (the newest of
   * all when null), or empty when there is no such conversation.
   *
   * @throws IllegalArgumentException for a cursor beyond the end of the conversation
   */
  @Override
  public Optional<MessagePage> page(String chatId, @Nullable Long cursor, int limit) {
    ChatLog chat = chats.get(chatId);
    if (chat == null) {
      return Optional.empty();
    }
    return Optional.of(cursor == null ? chat.newest(limit) : chat.before(cursor, limit));
  }

  /** Writes what {@code chatId} kept in memory only. */
  @Override
  public void flush(String chatId) {
    ChatLog chat = chats.get(chatId);
    if (chat != null) {
      chat.flush();
    }
  }

  /** Writes what every chat kept in memory only (the gateway is stopping). */
  @Override
  public void flushAll() {
    chats.values().forEach(ChatLog::flush);
  }

  /** How much memory the cached messages take, about. */
  long cachedBytes() {
    return windows.bytes();
  }

  private Path file(String chatId) {
    return dir.resolve(chatId + ".jsonl");
  }
}
