package dev.switchboard.platform.web;

import dev.switchboard.platform.PlatformRecords;
import dev.switchboard.platform.PlatformRecords.Entry;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the web page shows, kept in the store that several gateways share ({@link
 * PlatformRecords}), so that the gateway that takes over after another shows the same
 * conversations and the page goes on where it was. Collection {@code chats} holds each
 * conversation's title and time by its id, {@code chat:<id>} its messages by their ids, each as
 * the line {@link ChatLine} writes in a gateway's own files. A message's place in the store is
 * the cursor of the page before it.
 *
 * <p>Only the gateway that holds the lease writes, so the list of conversations is read once at
 * connect and kept in memory; messages are read from the store a page at a time. A reply's
 * growing text is kept in memory and written when it is complete, as {@link ChatLogs} does.
 */
final class SharedChatHistory implements ChatHistory {
  static final String CHATS = "chats";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final PlatformRecords records;
  private final Clock clock;
  private final Map<String, ChatSummary> chats = new HashMap<>();
  /** Per conversation, the messages whose newest text is not written yet, by id. */
  private final Map<String, Map<String, WebMessage>> unwritten = new HashMap<>();

  SharedChatHistory(PlatformRecords records, Clock clock) {
    this.records = records;
    this.clock = clock;
  }

  @Override
  public synchronized void load() {
    Map<String, ChatSummary> found = new HashMap<>();
    for (Entry e : records.before(CHATS, Long.MAX_VALUE, Integer.MAX_VALUE)) {
      ChatSummary s = summary(e);
      if (s != null) {
        found.put(s.id(), s);
      }
    }
    chats.clear();
    chats.putAll(found);
    unwritten.clear();
  }

  @Override
  public synchronized List<ChatSummary> list() {
    List<ChatSummary> out = new ArrayList<>(chats.values());
    out.sort(
        Comparator.comparing(ChatSummary::updatedAt).reversed().thenComparing(ChatSummary::id));
    return out;
  }

  @Override
  public synchronized ChatSummary create() {
    ChatSummary s =
        new ChatSummary(UUID.randomUUID().toString(), ChatSummary.UNTITLED, clock.instant());
    save(s);
    return s;
  }

  @Override
  public synchronized boolean exists(String chatId) {
    return chats.containsKey(chatId);
  }

  @Override
  public synchronized boolean has(String chatId, String messageId) {
    return chats.containsKey(chatId)
        && (pending(chatId).containsKey(messageId)
            || records.get(messages(chatId), messageId).isPresent());
  }

  @Override
  public synchronized Optional<ChatSummary> add(String chatId, WebMessage m) {
    ChatSummary was =
        chats.getOrDefault(chatId, new ChatSummary(chatId, ChatSummary.UNTITLED, m.at()));
    boolean titles = was.title().equals(ChatSummary.UNTITLED)
        && m.role().equals(WebMessage.USER)
        && !m.text().isBlank();
    records.put(messages(chatId), m.id(), ChatLine.message(m));
    ChatSummary now =
        new ChatSummary(chatId, titles ? ChatSummary.titleOf(m.text()) : was.title(), m.at());
    save(now);
    return titles ? Optional.of(now) : Optional.empty();
  }

  @Override
  public synchronized Optional<WebMessage> edit(
      String chatId,
      String messageId,
      String text,
      WebMessage.Markup markup,
      Instant at,
      boolean inMemory) {
    ChatSummary was = chats.get(chatId);
    if (was == null) {
      return Optional.empty();
    }
    WebMessage previous = pending(chatId).get(messageId);
    if (previous == null) {
      previous = records
          .get(messages(chatId), messageId)
          .map(SharedChatHistory::message)
          .orElse(null);
    }
    if (previous == null) {
      return Optional.empty();
    }
    WebMessage stored = previous.withText(text, markup);
    ChatSummary now = new ChatSummary(chatId, was.title(), at);
    if (inMemory) {
      unwritten.computeIfAbsent(chatId, k -> new LinkedHashMap<>()).put(messageId, stored);
      chats.put(chatId, now);
    } else {
      records.put(messages(chatId), messageId, ChatLine.message(stored));
      Map<String, WebMessage> kept = unwritten.get(chatId);
      if (kept != null) {
        kept.remove(messageId);
      }
      save(now);
    }
    return Optional.of(stored);
  }

  @Override
  public synchronized Optional<MessagePage> page(String chatId, @Nullable Long cursor, int limit) {
    if (!chats.containsKey(chatId)) {
      return Optional.empty();
    }
    if (cursor != null && cursor < 1) {
      throw new IllegalArgumentException("no message comes before " + cursor);
    }
    // One more than asked for: whether any is left before this page says if a cursor is due.
    List<Entry> found =
        records.before(messages(chatId), cursor == null ? Long.MAX_VALUE : cursor, limit + 1);
    List<Entry> newestFirst = found.subList(0, Math.min(limit, found.size()));
    Map<String, WebMessage> overlay = pending(chatId);
    List<WebMessage> out = new ArrayList<>(newestFirst.size());
    for (Entry e : newestFirst.reversed()) {
      WebMessage m = overlay.getOrDefault(e.key(), message(e));
      if (m != null) {
        out.add(m);
      }
    }
    Long before = found.size() > limit ? newestFirst.getLast().seq() : null;
    return Optional.of(new MessagePage(out, before));
  }

  @Override
  public synchronized void flush(String chatId) {
    Map<String, WebMessage> kept = unwritten.get(chatId);
    if (kept == null) {
      return;
    }
    // Each text leaves memory only once it is written: a write that fails keeps the rest.
    for (WebMessage m : List.copyOf(kept.values())) {
      records.put(messages(chatId), m.id(), ChatLine.message(m));
      kept.remove(m.id());
    }
    unwritten.remove(chatId);
    ChatSummary s = chats.get(chatId);
    if (s != null) {
      save(s);
    }
  }

  /** Writes what every chat kept in memory; a chat whose write fails does not stop the rest. */
  @Override
  public synchronized void flushAll() {
    UncheckedIOException failed = null;
    for (String chatId : List.copyOf(unwritten.keySet())) {
      try {
        flush(chatId);
      } catch (UncheckedIOException e) {
        failed = e;
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  private Map<String, WebMessage> pending(String chatId) {
    return unwritten.getOrDefault(chatId, Map.of());
  }

  private void save(ChatSummary s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("title", s.title());
    n.put("updated_at", s.updatedAt().toString());
    records.put(CHATS, s.id(), JSON.writeValueAsString(n));
    chats.put(s.id(), s);
  }

  static String messages(String chatId) {
    return "chat:" + chatId;
  }

  /** A conversation's summary, or null when the record is damaged or not a valid id. */
  private static @Nullable ChatSummary summary(Entry e) {
    if (!ChatLogs.ID.matcher(e.key()).matches()) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(e.value());
      return new ChatSummary(
          e.key(),
          n.path("title").asString(ChatSummary.UNTITLED),
          Instant.parse(n.path("updated_at").asString()));
    } catch (RuntimeException damaged) { // JacksonException, a bad instant
      return null;
    }
  }

  private static @Nullable WebMessage message(Entry e) {
    ChatLine.Parsed p = ChatLine.parse(e.value().getBytes(StandardCharsets.UTF_8));
    return p == null ? null : p.message();
  }
}
