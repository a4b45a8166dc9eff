package dev.switchboard.platform.telegram.fake;

import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.Entity;
import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.Parsed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Users, chats, forum topics and every message in them (the users' and the bot's), with one
 * message_id sequence per chat. Message JSON follows the Bot API Message object.
 */
final class ChatStore {
  static final String NOT_MODIFIED = "message is not modified: specified new message content "
      + "and reply markup are exactly the same as a current content and reply markup of the "
      + "message";
  /** What Telegram gives a topic it does not know the colour of: the first default colour. */
  private static final int TOPIC_ICON_COLOR = 7322096;

  /** A sendMessage, or a send of a file, that passed parameter validation. */
  record Outgoing(
      long chatId,
      Parsed text,
      String rawText,
      String parseMode,
      Integer threadId,
      Integer replyTo,
      boolean allowWithoutReply,
      JsonNode linkPreview,
      Media media) {
    Outgoing(
        long chatId,
        Parsed text,
        String rawText,
        String parseMode,
        Integer threadId,
        Integer replyTo,
        boolean allowWithoutReply,
        JsonNode linkPreview) {
      this(
          chatId,
          text,
          rawText,
          parseMode,
          threadId,
          replyTo,
          allowWithoutReply,
          linkPreview,
          null);
    }
  }

  /**
   * The file of a media message: the Message field describing it ("photo") with its JSON (a
   * PhotoSize array, a Document object...), and the upload it came from; {@code text} is then
   * the caption, possibly empty.
   */
  record Media(String field, JsonNode json, Upload upload) {}

  private static final class ChatState {
    ChatInfo info;
    int lastMessageId;
    final Map<Integer, ObjectNode> messages = new HashMap<>();
    final Map<Integer, Sent> sent = new LinkedHashMap<>();
    final Map<Integer, String> topics = new HashMap<>();

    ChatState(ChatInfo info) {
      this.info = info;
    }
  }

  /** A bot message; mutable under the store's lock, handed out as {@link BotMessage}. */
  private static final class Sent {
    final int id;
    final Integer threadId;
    final Integer replyTo;
    final Instant sentAt;
    final JsonNode linkPreview;
    Media media;
    final List<String> rawTexts = new ArrayList<>();
    Parsed text;
    String parseMode;
    int edits;
    Instant editedAt;

    Sent(int id, Integer threadId, Integer replyTo, Instant sentAt, JsonNode linkPreview) {
      this.id = id;
      this.threadId = threadId;
      this.replyTo = replyTo;
      this.sentAt = sentAt;
      this.linkPreview = linkPreview;
    }

    BotMessage snapshot(long chatId) {
      return new BotMessage(
          chatId,
          id,
          threadId,
          text.text(),
          text.entities(),
          parseMode,
          edits,
          rawTexts,
          replyTo,
          sentAt,
          media == null ? null : media.field(),
          media == null ? null : media.upload());
    }
  }

  private final TelegramObjects objects;
  private final UserInfo bot;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // guarded by lock:
  private final Map<Long, UserInfo> users = new HashMap<>();
  private final Map<Long, ChatState> chats = new HashMap<>();
  private boolean closed;
  private BotMessageListener listener = (chatId, messageId, text) -> {};

  void listen(BotMessageListener l) {
    lock.lock();
    try {
      listener = l;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Forgets the messages of {@code chatId} older than {@code messageId} (users' and bot's), so
   * that a chat of hours keeps only what is still being answered; editing or replying to a
   * forgotten message then fails as for one that never was.
   */
  void forgetBefore(long chatId, int messageId) {
    lock.lock();
    try {
      ChatState state = chats.get(chatId);
      if (state != null) {
        state.messages.keySet().removeIf(id -> id < messageId);
        state.sent.keySet().removeIf(id -> id < messageId);
      }
    } finally {
      lock.unlock();
    }
  }

  ChatStore(TelegramObjects objects, UserInfo bot) {
    this.objects = objects;
    this.bot = bot;
    users.put(bot.id(), bot);
  }

  void putUser(UserInfo user) {
    lock.lock();
    try {
      users.put(user.id(), user);
    } finally {
      lock.unlock();
    }
  }

  UserInfo user(long id) {
    lock.lock();
    try {
      return users.computeIfAbsent(id, UserInfo::byDefault);
    } finally {
      lock.unlock();
    }
  }

  /** Adds or replaces a chat; its messages are kept. */
  void putChat(ChatInfo chat) {
    lock.lock();
    try {
      ChatState state = chats.get(chat.id());
      if (state == null) {
        chats.put(chat.id(), new ChatState(chat));
      } else {
        state.info = chat;
      }
    } finally {
      lock.unlock();
    }
  }

  Optional<ChatInfo> chat(long id) {
    lock.lock();
    try {
      return Optional.ofNullable(chats.get(id)).map(s -> s.info);
    } finally {
      lock.unlock();
    }
  }

  /** The private chat with {@code userId}, created on first use. */
  ChatInfo privateChat(long userId) {
    lock.lock();
    try {
      return chats.computeIfAbsent(userId, id -> new ChatState(ChatInfo.privateWith(user(id))))
          .info;
    } finally {
      lock.unlock();
    }
  }

  /** The group {@code chatId}, created on first use. */
  ChatInfo group(long chatId) {
    lock.lock();
    try {
      return chats.computeIfAbsent(chatId, id -> new ChatState(ChatInfo.group(id, "Group " + id)))
          .info;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes {@code chatId} a forum supergroup with topic {@code threadId}, created by
   * {@code creator} if it is new (Telegram's topic id is the id of its creation message).
   */
  void topic(long chatId, int threadId, String name, UserInfo creator) {
    lock.lock();
    try {
      ChatState state =
          chats.computeIfAbsent(chatId, id -> new ChatState(ChatInfo.forum(id, "Forum " + id)));
      if (!state.info.isForum()) {
        ChatInfo old = state.info;
        state.info =
            ChatInfo.forum(old.id(), old.title() == null ? "Forum " + old.id() : old.title());
      }
      if (state.topics.containsKey(threadId)) {
        return;
      }
      if (state.messages.containsKey(threadId)) {
        throw new IllegalArgumentException(
            "message " + threadId + " in chat " + chatId + " exists and is not a topic");
      }
      state.topics.put(threadId, name);
      state.lastMessageId = Math.max(state.lastMessageId, threadId);
      ObjectNode created = header(threadId, threadId, creator, state.info, Instant.now());
      created.put("is_topic_message", true);
      created
          .putObject("forum_topic_created")
          .put("name", name)
          .put("icon_color", TOPIC_ICON_COLOR);
      state.messages.put(threadId, created);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stores a message from a user and returns its JSON; {@code threadId} is set for forum
   * topics, {@code replyTo} names an existing message in the chat.
   */
  ObjectNode userMessage(long chatId, long userId, String text, Integer threadId, Integer replyTo) {
    ObjectNode content = objects.object();
    content.put("text", text);
    return userMessage(chatId, userId, content, threadId, replyTo);
  }

  /**
   * Stores a message from a user with {@code content} (its "text", or a media field such as
   * "photo" with an optional "caption") and returns its JSON; entities of the text or caption
   * are detected as Telegram does unless given.
   */
  ObjectNode userMessage(
      long chatId, long userId, ObjectNode content, Integer threadId, Integer replyTo) {
    lock.lock();
    try {
      ChatState state = chats.get(chatId);
      if (state == null) {
        throw new IllegalArgumentException("unknown chat " + chatId);
      }
      if (threadId == null && replyTo != null) {
        threadId = topicOf(state, replyTo);
      }
      int id = ++state.lastMessageId;
      ObjectNode m = header(id, threadId, user(userId), state.info, Instant.now());
      if (threadId != null) {
        m.put("is_topic_message", true);
      }
      Integer replied = replyTo != null ? replyTo : threadId;
      if (replied != null) {
        ObjectNode original = state.messages.get(replied);
        if (original == null) {
          throw new IllegalArgumentException("no message " + replied + " in chat " + chatId);
        }
        m.set("reply_to_message", withoutReply(original));
      }
      m.setAll(content.deepCopy());
      for (String[] field :
          new String[][] {{"text", "entities"}, {"caption", "caption_entities"}}) {
        if (m.path(field[0]).isString() && !m.has(field[1])) {
          List<Entity> entities = UserTextEntities.detect(m.get(field[0]).stringValue());
          if (!entities.isEmpty()) {
            m.set(field[1], objects.entities(entities, this::user));
          }
        }
      }
      state.messages.put(id, m);
      changed.signalAll();
      return m.deepCopy();
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@code messageId} is a message the bot sent in {@code chatId}. */
  boolean isBotMessage(long chatId, int messageId) {
    lock.lock();
    try {
      ChatState state = chats.get(chatId);
      return state != null && state.sent.containsKey(messageId);
    } finally {
      lock.unlock();
    }
  }

  /** Stores a bot message and returns the Message JSON sendMessage answers with. */
  ObjectNode send(Outgoing out) {
    lock.lock();
    try {
      ChatState state = known(out.chatId());
      Integer thread = null;
      if (out.threadId() != null && state.info.isForum()) {
        if (!state.topics.containsKey(out.threadId())) {
          throw ApiException.badRequest("message thread not found");
        }
        thread = out.threadId();
      }
      Integer replyTo = null;
      if (out.replyTo() != null) {
        if (state.messages.containsKey(out.replyTo())) {
          replyTo = out.replyTo();
        } else if (!out.allowWithoutReply()) {
          throw ApiException.badRequest("message to be replied not found");
        }
      }
      if (thread == null && replyTo != null) {
        thread = topicOf(state, replyTo); // a reply goes to the topic of what it replies to
      }
      Sent sent =
          new Sent(++state.lastMessageId, thread, replyTo, Instant.now(), out.linkPreview());
      sent.text = out.text();
      sent.media = out.media();
      sent.parseMode = out.parseMode();
      sent.rawTexts.add(out.rawText());
      state.sent.put(sent.id, sent);
      ObjectNode m = botMessageJson(state, sent);
      state.messages.put(sent.id, m);
      listener.changed(out.chatId(), sent.id, sent.text.text());
      changed.signalAll();
      return m.deepCopy();
    } finally {
      lock.unlock();
    }
  }

  /** Throws what editMessageText would answer if {@code text} cannot replace the message. */
  void checkEdit(long chatId, int messageId, Parsed text) {
    lock.lock();
    try {
      editable(known(chatId), messageId, text);
    } finally {
      lock.unlock();
    }
  }

  private static Sent editable(ChatState state, int messageId, Parsed text) {
    Sent sent = state.sent.get(messageId);
    if (sent == null) {
      throw ApiException.badRequest(
          state.messages.containsKey(messageId)
              ? "message can't be edited"
              : "message to edit not found");
    }
    if (sent.media != null) {
      throw ApiException.badRequest("there is no text in the message to edit");
    }
    if (sent.text.equals(text)) {
      throw ApiException.badRequest(NOT_MODIFIED);
    }
    return sent;
  }

  /** Replaces the text of a bot message; returns the edited Message JSON. */
  ObjectNode edit(long chatId, int messageId, Parsed text, String rawText, String parseMode) {
    lock.lock();
    try {
      ChatState state = known(chatId);
      Sent sent = editable(state, messageId, text);
      sent.text = text;
      sent.parseMode = parseMode;
      sent.edits++;
      sent.editedAt = Instant.now();
      sent.rawTexts.add(rawText);
      ObjectNode m = botMessageJson(state, sent);
      state.messages.put(sent.id, m);
      listener.changed(chatId, sent.id, sent.text.text());
      changed.signalAll();
      return m.deepCopy();
    } finally {
      lock.unlock();
    }
  }

  /** The forum topic {@code messageId} belongs to, or null. */
  private static Integer topicOf(ChatState state, int messageId) {
    ObjectNode m = state.messages.get(messageId);
    return m != null && m.path("is_topic_message").asBoolean(false)
        ? m.get("message_thread_id").intValue()
        : null;
  }

  private ChatState known(long chatId) {
    ChatState state = chats.get(chatId);
    if (state == null) {
      throw ApiException.badRequest("chat not found");
    }
    return state;
  }

  List<BotMessage> botMessages(long chatId) {
    lock.lock();
    try {
      return snapshots(chatId);
    } finally {
      lock.unlock();
    }
  }

  private List<BotMessage> snapshots(long chatId) {
    ChatState state = chats.get(chatId);
    if (state == null) {
      return List.of();
    }
    return state.sent.values().stream().map(s -> s.snapshot(chatId)).toList();
  }

  /** The first bot message in {@code chatId} matching {@code p}, waiting up to timeout. */
  BotMessage awaitBotMessage(long chatId, Predicate<BotMessage> p, Duration timeout)
      throws InterruptedException {
    lock.lock();
    try {
      long remaining = timeout.toNanos();
      while (true) {
        List<BotMessage> now = snapshots(chatId);
        for (BotMessage m : now) {
          if (p.test(m)) {
            return m;
          }
        }
        if (remaining <= 0 || closed) {
          throw new AssertionError("no bot message in chat " + chatId + " matched within " + timeout
              + (closed ? " (server closed)" : "") + "; messages: " + now);
        }
        remaining = changed.awaitNanos(remaining);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The bot messages in {@code chatId} newer than {@code afterMessageId}, once {@code p} accepts
   * them, waiting up to timeout; empty on timeout or close. Only those are snapshotted, so a
   * long chat costs a waiter little.
   */
  Optional<List<BotMessage>> awaitBotMessagesAfter(
      long chatId, int afterMessageId, Predicate<List<BotMessage>> p, Duration timeout)
      throws InterruptedException {
    lock.lock();
    try {
      long remaining = timeout.toNanos();
      while (true) {
        List<BotMessage> now = snapshotsAfter(chatId, afterMessageId);
        if (p.test(now)) {
          return Optional.of(now);
        }
        if (remaining <= 0 || closed) {
          return Optional.empty();
        }
        remaining = changed.awaitNanos(remaining);
      }
    } finally {
      lock.unlock();
    }
  }

  private List<BotMessage> snapshotsAfter(long chatId, int afterMessageId) {
    ChatState state = chats.get(chatId);
    if (state == null) {
      return List.of();
    }
    List<BotMessage> out = new ArrayList<>();
    for (Sent s : state.sent.values()) {
      if (s.id > afterMessageId) {
        out.add(s.snapshot(chatId));
      }
    }
    return out;
  }

  void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private ObjectNode botMessageJson(ChatState state, Sent sent) {
    ObjectNode m = header(sent.id, sent.threadId, bot, state.info, sent.sentAt);
    if (sent.editedAt != null) {
      m.put("edit_date", sent.editedAt.getEpochSecond());
    }
    if (sent.threadId != null) {
      m.put("is_topic_message", true);
    }
    Integer replied = sent.replyTo != null ? sent.replyTo : sent.threadId;
    if (replied != null && state.messages.containsKey(replied)) {
      m.set("reply_to_message", withoutReply(state.messages.get(replied)));
    }
    String textField = "text";
    String entitiesField = "entities";
    if (sent.media != null) {
      m.set(sent.media.field(), sent.media.json().deepCopy());
      textField = "caption";
      entitiesField = "caption_entities";
    }
    if (sent.media == null || !sent.text.text().isEmpty()) {
      m.put(textField, sent.text.text());
    }
    if (!sent.text.entities().isEmpty()) {
      m.set(entitiesField, objects.entities(sent.text.entities(), this::user));
    }
    if (sent.linkPreview != null) {
      m.set("link_preview_options", sent.linkPreview.deepCopy());
    }
    return m;
  }

  private ObjectNode header(int id, Integer threadId, UserInfo from, ChatInfo chat, Instant date) {
    ObjectNode m = objects.object();
    m.put("message_id", id);
    if (threadId != null) {
      m.put("message_thread_id", threadId);
    }
    m.set("from", objects.user(from));
    m.set("chat", objects.chat(chat));
    m.put("date", date.getEpochSecond());
    return m;
  }

  /** Telegram nests one level only: a replied-to message carries no reply of its own. */
  private static ObjectNode withoutReply(ObjectNode message) {
    ObjectNode copy = message.deepCopy();
    copy.remove("reply_to_message");
    return copy;
  }
}
