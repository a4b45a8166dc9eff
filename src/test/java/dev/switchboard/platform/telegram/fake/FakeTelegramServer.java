package dev.switchboard.platform.telegram.fake;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake of the Telegram Bot API for tests, on 127.0.0.1 and an ephemeral port. Clients call
 * {@code baseUrl() + "/bot" + token + "/" + method}. The test plays the users (messages become
 * updates), arms faults, and observes what the bot sent and every call it made.
 *
 * <p>Methods: getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo, sendMessage
 * (parse_mode HTML or none), editMessageText, sendChatAction, setMyCommands, getMyCommands,
 * deleteMyCommands, getFile, and the multipart uploads sendPhoto, sendDocument, sendVoice,
 * sendAudio and sendVideo ({@link MediaMethods}). Every other method answers 404 Not Found, as
 * an unknown method does. Files are fetched from {@code baseUrl() + "/file/bot" + token + "/" +
 * file_path} ({@link FileDownloads}).
 *
 * <p>Thread-safe; every method may be used while a client is connected. {@link #close} stops
 * the server, long polls and webhook delivery.
 */
public final class FakeTelegramServer implements AutoCloseable {
  private static final long DEFAULT_BOT_ID = 1_000_000L;
  private static final JsonMapper FIELDS = JsonMapper.builder().build();

  private final String token;
  private final UserInfo bot;
  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final UpdateQueue queue;
  private final ChatStore store;
  private final CallLog calls = new CallLog();
  private final FileStore files = new FileStore();
  private final Faults faults = new Faults();
  private final FloodControl flood = new FloodControl();
  private final UpdateMethods updateMethods;
  private final BotMethods botMethods;
  /** Keeps message ids and update ids of injected messages in the same order. */
  private final ReentrantLock injecting = new ReentrantLock();

  private FakeTelegramServer(String token, String botUsername) throws IOException {
    this.token = Objects.requireNonNull(token, "token");
    JsonMapper json = JsonMapper.builder().build();
    TelegramObjects objects = new TelegramObjects(json);
    this.bot = new UserInfo(botId(token), true, botUsername, null, botUsername, null);
    this.queue = new UpdateQueue(json);
    this.store = new ChatStore(objects, bot);
    this.updateMethods = new UpdateMethods(queue, json);
    this.botMethods = new BotMethods(objects, bot);
    MessageMethods messageMethods = new MessageMethods(store, flood);
    MediaMethods mediaMethods = new MediaMethods(store, files, flood, objects);

    Map<String, ApiMethod> methods = new LinkedHashMap<>();
    methods.put("getMe", botMethods::getMe);
    methods.put("setMyCommands", botMethods::setMyCommands);
    methods.put("getMyCommands", botMethods::getMyCommands);
    methods.put("deleteMyCommands", botMethods::deleteMyCommands);
    methods.put("getUpdates", updateMethods::getUpdates);
    methods.put("setWebhook", updateMethods::setWebhook);
    methods.put("deleteWebhook", updateMethods::deleteWebhook);
    methods.put("getWebhookInfo", updateMethods::getWebhookInfo);
    methods.put("sendMessage", messageMethods::sendMessage);
    methods.put("editMessageText", messageMethods::editMessageText);
    methods.put("sendChatAction", messageMethods::sendChatAction);
    methods.put("getFile", mediaMethods::getFile);
    methods.put("sendPhoto", mediaMethods::sendPhoto);
    methods.put("sendDocument", mediaMethods::sendDocument);
    methods.put("sendVoice", mediaMethods::sendVoice);
    methods.put("sendAudio", mediaMethods::sendAudio);
    methods.put("sendVideo", mediaMethods::sendVideo);

    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", new ApiRouter(token, methods, json, calls, faults, closing));
    server.createContext("/file/", new FileDownloads(token, files, json, calls, faults));
    server.start();
  }

  /** Starts a fake for the bot with {@code token} (e.g. "123:abc"; 123 becomes its user id). */
  public static FakeTelegramServer start(String token, String botUsername) {
    try {
      return new FakeTelegramServer(token, botUsername);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake Telegram server", e);
    }
  }

  private static long botId(String token) {
    int colon = token.indexOf(':');
    try {
      return colon > 0 ? Long.parseLong(token.substring(0, colon)) : DEFAULT_BOT_ID;
    } catch (NumberFormatException e) {
      return DEFAULT_BOT_ID;
    }
  }

  /** "http://127.0.0.1:PORT"; the client appends "/bot&lt;token&gt;/&lt;method&gt;". */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public String token() {
    return token;
  }

  public long botId() {
    return bot.id();
  }

  public String botUsername() {
    return bot.username();
  }

  // ---- users and chats ----

  /** Describes a user; users a test does not describe are "User N" with username "userN". */
  public void registerUser(long userId, String firstName, String lastName, String username) {
    store.putUser(new UserInfo(userId, false, firstName, lastName, username, "en"));
  }

  /** Makes the private chat with {@code userId} known, as if the user had started the bot. */
  public void registerPrivateChat(long userId) {
    store.privateChat(userId);
  }

  /** Makes a group known; ids from -1000000000000 down are supergroups. */
  public void registerGroup(long chatId, String title) {
    store.putChat(ChatInfo.group(chatId, title));
  }

  /** Makes a forum supergroup with topic {@code threadId} known (created by the bot). */
  public void registerTopic(long chatId, int threadId, String topicName) {
    store.topic(chatId, threadId, topicName, bot);
  }

  // ---- what users do; each returns the update_id ----

  /** {@code userId} writes to the bot in private; the chat id is the user id. */
  public long privateMessage(long userId, String text) {
    return inject(() -> {
      store.privateChat(userId);
      return store.userMessage(userId, userId, text, null, null);
    });
  }

  /**
   * {@code userId} writes to the bot in private, as {@link #privateMessage}; returns the
   * message_id of what the user wrote, which the bot's answers come after.
   */
  public int privateMessageReturningId(long userId, String text) {
    return injectMessage(() -> {
          store.privateChat(userId);
          return store.userMessage(userId, userId, text, null, null);
        })
        .messageId();
  }

  /** {@code userId} writes in group {@code chatId}. */
  public long groupMessage(long chatId, long userId, String text) {
    return inject(() -> {
      store.group(chatId);
      return store.userMessage(chatId, userId, text, null, null);
    });
  }

  /** {@code userId} writes in topic {@code threadId} of forum supergroup {@code chatId}. */
  public long topicMessage(long chatId, int threadId, long userId, String text) {
    return inject(() -> {
      store.topic(chatId, threadId, "Topic " + threadId, store.user(userId));
      return store.userMessage(chatId, userId, text, threadId, null);
    });
  }

  /** {@code userId} replies in {@code chatId} to the bot's message {@code botMessageId}. */
  public long replyToBot(long chatId, long userId, int botMessageId, String text) {
    return inject(() -> {
      if (!store.isBotMessage(chatId, botMessageId)) {
        throw new IllegalArgumentException(
            "the bot sent no message " + botMessageId + " in chat " + chatId);
      }
      return store.userMessage(chatId, userId, text, null, botMessageId);
    });
  }

  /**
   * {@code userId} sends the bot a file in private: {@code fieldsJson} holds the Message fields
   * that carry it, as the Bot API names them, e.g. {@code "photo": [...], "caption": "look"}
   * (entities of the caption are detected unless given).
   */
  public long privateMedia(long userId, String fieldsJson) {
    ObjectNode fields = fields(fieldsJson);
    return inject(() -> {
      store.privateChat(userId);
      return store.userMessage(userId, userId, fields, null, null);
    });
  }

  /** {@code userId} sends a file in group {@code chatId}; see {@link #privateMedia}. */
  public long groupMedia(long chatId, long userId, String fieldsJson) {
    ObjectNode fields = fields(fieldsJson);
    return inject(() -> {
      store.group(chatId);
      return store.userMessage(chatId, userId, fields, null, null);
    });
  }

  private ObjectNode fields(String fieldsJson) {
    JsonNode tree = FIELDS.readTree("{" + fieldsJson + "}");
    return (ObjectNode) tree;
  }

  private long inject(Supplier<ObjectNode> m) {
    return injectMessage(m).updateId();
  }

  /** An update the fake queued, and the id of the message it carries. */
  private record Injected(long updateId, int messageId) {}

  private Injected injectMessage(Supplier<ObjectNode> m) {
    injecting.lock();
    try {
      ObjectNode message = m.get();
      int messageId = message.get("message_id").intValue();
      return new Injected(queue.add("message", message), messageId);
    } finally {
      injecting.unlock();
    }
  }

  /** Queues an update again with the same update_id, as Telegram does when it redelivers. */
  public void redeliver(long updateId) {
    queue.redeliver(updateId);
  }

  // ---- files ----

  /**
   * Keeps {@code content} as a file users sent, under {@code directory} ("photos",
   * "documents", "voice", "music", "videos", "video_notes", "stickers") with {@code extension};
   * returns its file_id, for the test to put in a message. getFile then gives its file_path.
   */
  public String addFile(String directory, String extension, byte[] content) {
    return files.add(directory, extension, content).fileId();
  }

  /** A file of {@code size} bytes (over 20 MB) that getFile refuses with "file is too big". */
  public String addFileTooBigToDownload(String directory, String extension, long size) {
    return files.addTooLarge(directory, extension, size).fileId();
  }

  /** The file_paths downloaded from {@code /file/bot<token>/}, in order. */
  public List<String> downloads() {
    return files.downloads();
  }

  /** The next {@code times} file downloads announce their full length and send half of it. */
  public void truncateDownloads(int times) {
    faults.truncate(FileDownloads.METHOD, times);
  }

  // ---- faults ----

  /**
   * The next {@code times} calls of {@code method} ("*" for any; "file" for file downloads)
   * answer {@code httpStatus} with
   * {@code description} (given in full, e.g. "Bad Gateway") and, if not null,
   * parameters.retry_after; the method does not run.
   */
  public void failNext(
      String method, int times, int httpStatus, String description, Integer retryAfter) {
    if (times < 1 || httpStatus < 300 || httpStatus > 599) {
      throw new IllegalArgumentException("times >= 1 and an error status are required");
    }
    faults.failNext(method, times, new Faults.Failure(httpStatus, description, retryAfter));
  }

  /** Holds every answer to {@code method} ("*" for any) for {@code d}; zero to stop. */
  public void delay(String method, Duration d) {
    faults.delay(method, d);
  }

  /** The next {@code times} calls of {@code method} get their TCP connection closed, unrun. */
  public void dropConnections(String method, int times) {
    faults.dropConnections(method, times);
  }

  /** The next {@code times} calls of {@code method} get 200 with truncated JSON, unrun. */
  public void malformedJson(String method, int times) {
    faults.malformedJson(method, times);
  }

  /**
   * Turns on flood control for sendMessage and editMessageText: at most
   * {@code perChatPerSecond} per chat, 20 per minute per group, {@code globalPerSecond} in
   * all; beyond, 429 "Too Many Requests: retry after N". Telegram's guidance is 1, 20, 30.
   */
  public void floodControl(int perChatPerSecond, int globalPerSecond) {
    floodControl(perChatPerSecond, 20, globalPerSecond);
  }

  /** Flood control with an explicit per-group limit; 0 or less disables a window. */
  public void floodControl(int perChatPerSecond, int perGroupPerMinute, int globalPerSecond) {
    flood.configure(new FloodControl.Limits(perChatPerSecond, perGroupPerMinute, globalPerSecond));
  }

  public void disableFloodControl() {
    flood.configure(null);
  }

  /** While on, every getUpdates answers 409 as if another instance were polling. */
  public void conflictFlood(boolean on) {
    faults.conflictFlood(on);
  }

  // ---- long runs ----

  /**
   * For runs of hours (the soak): stops recording calls and keeping every update for {@link
   * #redeliver}, so that the fake's memory does not grow with the messages; {@link #calls} and
   * {@link #awaitCalls} then see only the calls before, and only updates created before can be
   * redelivered.
   */
  public FakeTelegramServer keepLittle() {
    calls.stopRecording();
    queue.stopKeepingCreated();
    return this;
  }

  /**
   * {@code listener} hears every message the bot sends and every edit, with the text as it
   * then stands, in each chat's order; it runs under the fake's lock, so it must be quick. One
   * listener at a time.
   */
  public void onBotMessage(BotMessageListener listener) {
    store.listen(listener);
  }

  /** Forgets the messages of {@code chatId} older than {@code messageId} (see ChatStore). */
  public void forgetMessagesBefore(long chatId, int messageId) {
    store.forgetBefore(chatId, messageId);
  }

  // ---- observation ----

  /** The bot's messages in {@code chatId}, oldest first, as they stand now. */
  public List<BotMessage> messages(long chatId) {
    return store.botMessages(chatId);
  }

  /** The calls of {@code method} (case-insensitive) in arrival order, including in-flight. */
  public List<Call> calls(String method) {
    return calls.calls(method);
  }

  /** The highest update_id confirmed by a getUpdates offset or a webhook 2xx; 0 for none. */
  public long confirmedUpToUpdateId() {
    return queue.confirmedUpTo();
  }

  public int pendingUpdates() {
    return queue.pendingCount();
  }

  /** The command menu for the default scope and no language. */
  public List<BotCommand> commands() {
    return botMethods.commands(BotMethods.DEFAULT_KEY);
  }

  /** The first bot message in {@code chatId} matching {@code p}; AssertionError on timeout. */
  public BotMessage awaitMessage(long chatId, Predicate<BotMessage> p, Duration timeout) {
    try {
      return store.awaitBotMessage(chatId, p, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * The bot's messages in {@code chatId} newer than {@code afterMessageId}, as they stand once
   * {@code p} accepts them; empty when it did not within {@code timeout} (or the fake closed).
   */
  public Optional<List<BotMessage>> awaitMessagesAfter(
      long chatId, int afterMessageId, Predicate<List<BotMessage>> p, Duration timeout) {
    try {
      return store.awaitBotMessagesAfter(chatId, afterMessageId, p, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * The first {@code count} calls of {@code method} that were answered or dropped, waiting up
   * to {@code timeout}; AssertionError on timeout.
   */
  public List<Call> awaitCalls(String method, int count, Duration timeout) {
    try {
      return calls.awaitFinished(method, count, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Waits until a getUpdates call is parked in a long poll; AssertionError on timeout. */
  public void awaitLongPoll(Duration timeout) {
    try {
      if (!queue.awaitWaitingPoll(timeout)) {
        throw new AssertionError("no getUpdates long poll within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Stops the server, ends long polls and held answers, stops webhook delivery. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closing.countDown();
    queue.close();
    store.close();
    updateMethods.close();
    server.stop(0);
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("fake Telegram handlers did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
