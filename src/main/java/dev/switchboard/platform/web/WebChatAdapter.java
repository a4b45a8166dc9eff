package dev.switchboard.platform.web;

import dev.switchboard.common.SpokenSize;
import dev.switchboard.http.HttpMount;
import dev.switchboard.http.HttpServer;
import dev.switchboard.http.JsonExchange;
import dev.switchboard.http.LoginGate;
import dev.switchboard.http.StaticFiles;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.PlatformRecords;
import dev.switchboard.platform.Sender;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The built-in web chat: a page served by the gateway's own HTTP server, where the person who
 * holds the login token talks to the agent. Messages from the page go through the journal and
 * the dispatcher like any platform's; replies arrive here as sends and edits and reach the
 * page as server-sent events. What the page shows is kept in the state directory
 * ({@link ChatLogs}), or in the store when several gateways share it ({@link
 * SharedChatHistory}), so a restarted gateway, or the one that took over, shows the same
 * conversations.
 */
final class WebChatAdapter implements PlatformAdapter, HttpMount {
  private static final Logger log = LoggerFactory.getLogger(WebChatAdapter.class);
  static final String PLATFORM = "web";
  /** The one person the web chat serves: whoever holds the login token. */
  static final String OWNER = "owner";

  static final int MAX_TEXT_CHARS = 16_000;
  // No platform limit on length or rate: the page renders whatever comes, at once.
  private static final PlatformLimits LIMITS =
      new PlatformLimits(64_000, true, Duration.ofMillis(150));
  private static final ReplyHtml REPLIES = new ReplyHtml(LIMITS.maxMessageLength());

  /** The most files one message from the page may bring. */
  static final int MAX_FILES = 10;

  static final long DEFAULT_MAX_FILE_BYTES = 25L * 1024 * 1024;

  /** The state directory's conversations, kept unless the gateways share the store. */
  private final ChatLogs logs;

  /** Where the conversations are kept since the last connect. */
  private volatile ChatHistory history;

  private final ChatFiles files;
  private final UploadForm.Limits uploads;
  private final ChatEvents events = new ChatEvents();
  private final Clock clock;
  private final ConcurrentHashMap<String, ReentrantLock> chatLocks = new ConcurrentHashMap<>();
  private final Set<String> streaming = ConcurrentHashMap.newKeySet();
  /** Null until connected and again once disconnected: the page's messages are refused then. */
  private volatile @Nullable InboundHandler inbound;

  private volatile @Nullable PlatformContext context;

  /** With the files kept next to the conversations and the default file limit. */
  WebChatAdapter(ChatLogs logs, Clock clock) {
    this(logs, new ChatFiles(logs.directory().resolve("files")), DEFAULT_MAX_FILE_BYTES, clock);
  }

  /** @param maxFileBytes the largest file taken from the page or shown from the agent */
  WebChatAdapter(ChatLogs logs, ChatFiles files, long maxFileBytes, Clock clock) {
    this.logs = logs;
    this.history = logs;
    this.files = files;
    this.uploads = new UploadForm.Limits(maxFileBytes, MAX_FILES);
    this.clock = clock;
  }

  @Override
  public String name() {
    return PLATFORM;
  }

  @Override
  public PlatformLimits limits() {
    return LIMITS;
  }

  @Override
  public void mount(HttpServer server) {
    WebChatApi api = new WebChatApi(
        this, () -> history, files, uploads, events, new LoginGate(server.loginToken()));
    // Room for a message's files; each endpoint bounds what it reads itself, and the API
    // answers a body over the upload limit with its own words before the server would.
    server.route(
        "/api/web/*",
        api,
        Math.max(HttpServer.MAX_REQUEST_BYTES, uploads.maxBodyBytes() + UploadForm.TEXT_ROOM));
    // "/" is also the server's default route: any unknown path gets this handler's 404.
    new StaticFiles(WebChatAdapter.class)
        .file("/", "index.html")
        .file("/app.js", "app.js")
        .file("/app.css", "app.css")
        .mountOn(server);
  }

  @Override
  public void connect(InboundHandler inbound, PlatformContext context) throws Exception {
    long started = System.nanoTime();
    Optional<PlatformRecords> shared = context.sharedRecords();
    ChatHistory chats = shared.isPresent() ? new SharedChatHistory(shared.get(), clock) : logs;
    chats.load();
    files.share(shared.orElse(null));
    files.prepare();
    this.history = chats;
    this.context = context;
    this.inbound = inbound;
    log.info(
        "web chat: {} conversation(s) on record {}(listed in {} ms)",
        chats.list().size(),
        shared.isPresent() ? "in the shared store " : "",
        (System.nanoTime() - started) / 1_000_000);
  }

  @Override
  public void disconnect() {
    inbound = null;
    events.endAll();
    history.flushAll();
  }

  // A reply being streamed is edited every 150 ms: its text is written to disk once, when the
  // reply is complete, not at every edit.
  @Override
  public void replyStarted(ChatRef chat, String inReplyTo) {
    streaming.add(chat.chatId());
  }

  @Override
  public void replyFinished(ChatRef chat, String inReplyTo, String text) {
    streaming.remove(chat.chatId());
    history.flush(chat.chatId());
  }

  boolean accepting() {
    return inbound != null && (context == null || !context.draining());
  }

  boolean connected() {
    return inbound != null;
  }

  /** What became of a message posted from the page. */
  enum Posted {
    TAKEN,
    ALREADY_TAKEN,
    NOT_CONNECTED,
    UNKNOWN_CHAT
  }

  /**
   * Hands a message from the page to the gateway, then shows it. Its files are kept first (with
   * the conversation, where {@link #download} finds them when the gateway asks); then, under
   * the chat's lock, the message goes to the gateway and is shown, so a reply (which takes the
   * same lock to be shown) never appears above the message it answers.
   */
  Posted post(String chatId, String clientId, String text, List<UploadForm.Upload> uploaded)
      throws InterruptedException, IOException {
    if (!history.exists(chatId)) {
      return Posted.UNKNOWN_CHAT;
    }
    List<WebFile> kept = new ArrayList<>();
    List<Attachment> attachments = new ArrayList<>();
    for (UploadForm.Upload u : uploaded) {
      ChatFiles.Kept file;
      try (InputStream in = u.open()) {
        file = files.put(chatId, in, uploads.maxFileBytes());
      }
      WebFile shown = new WebFile(
          file.sha256(),
          u.fileName(),
          WebFile.typeOf(ImageSniffer.typeOf(file.path()), u.declaredType()),
          file.size());
      kept.add(shown);
      attachments.add(new Attachment(
          kindOf(shown), shown.type(), shown.size(), shown.name(), chatId + "/" + shown.ref()));
    }
    ReentrantLock lock = chatLocks.computeIfAbsent(chatId, k -> new ReentrantLock());
    lock.lock();
    try {
      if (!history.exists(chatId)) {
        return Posted.UNKNOWN_CHAT;
      }
      String id = "u-" + clientId;
      if (history.has(chatId, id)) {
        return Posted.ALREADY_TAKEN; // the page retried a send that had arrived
      }
      InboundHandler to = inbound;
      if (to == null) {
        return Posted.NOT_CONNECTED;
      }
      to.accept(new InboundMessage(
          ChatRef.of(PLATFORM, chatId),
          clientId,
          new Sender(OWNER, "You"),
          text,
          false,
          clock.instant(),
          attachments));
      show(
          chatId,
          new WebMessage(id, WebMessage.USER, text, WebMessage.Markup.TEXT, clock.instant(), kept));
      return Posted.TAKEN;
    } finally {
      lock.unlock();
    }
  }

  /** A message of text alone from the page. */
  Posted post(String chatId, String clientId, String text)
      throws InterruptedException, IOException {
    return post(chatId, clientId, text, List.of());
  }

  private static AttachmentKind kindOf(WebFile f) {
    if (f.inlineImage()) {
      return AttachmentKind.IMAGE;
    } else if (f.type().startsWith("audio/")) {
      return AttachmentKind.AUDIO;
    } else if (f.type().startsWith("video/")) {
      return AttachmentKind.VIDEO;
    }
    return AttachmentKind.DOCUMENT;
  }

  /** The bytes of a file the page uploaded: {@code ref} is its conversation and its hash. */
  @Override
  public InputStream download(Attachment attachment) throws PlatformException {
    String ref = attachment.ref();
    int slash = ref.indexOf('/');
    Optional<Path> file;
    try {
      file = slash < 0
          ? Optional.empty()
          : files.find(ref.substring(0, slash), ref.substring(slash + 1));
    } catch (UncheckedIOException e) {
      throw new PlatformException(
          "the web chat could not read this file: " + e.getMessage(), false, e);
    }
    if (file.isEmpty()) {
      throw new PlatformException("the web chat no longer has this file", true);
    }
    try {
      return Files.newInputStream(file.get());
    } catch (IOException e) {
      throw new PlatformException(
          "the web chat could not read this file: " + e.getMessage(), false, e);
    }
  }

  /** Files up to the gateway's limit both ways; a caption as long as a message. */
  @Override
  public FileLimits fileLimits() {
    return new FileLimits(uploads.maxFileBytes(), uploads.maxFileBytes(), MAX_TEXT_CHARS);
  }

  /**
   * Shows a file from the agent: kept with the conversation (the gateway's own copy goes with
   * its attachment store's retention), then a message of its caption with the file.
   */
  @Override
  public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    String chatId = chat.chatId();
    if (!ChatLogs.ID.matcher(chatId).matches()) {
      throw new PlatformException("web chat: no conversation " + chatId, true);
    }
    ChatFiles.Kept kept;
    String sniffed;
    try (InputStream in = Files.newInputStream(file.path())) {
      kept = files.put(chatId, in, uploads.maxFileBytes());
      sniffed = ImageSniffer.typeOf(kept.path());
    } catch (ChatFiles.TooLarge e) {
      throw new PlatformException(
          "web chat: " + file.fileName() + " is larger than the "
              + SpokenSize.of(uploads.maxFileBytes()) + " it shows",
          true);
    } catch (NoSuchFileException e) {
      throw new PlatformException("web chat: " + file.fileName() + " is gone", true, e);
    } catch (IOException e) {
      throw new PlatformException(
          "web chat: could not keep " + file.fileName() + ": " + e.getMessage(), false, e);
    }
    WebFile shown = new WebFile(
        kept.sha256(),
        WebFile.cleanName(file.fileName(), "file"),
        WebFile.typeOf(sniffed, file.mimeType()),
        kept.size());
    String id = "a-" + UUID.randomUUID();
    WebMessage m = new WebMessage(
        id,
        WebMessage.AGENT,
        file.caption(),
        WebMessage.Markup.TEXT,
        clock.instant(),
        List.of(shown));
    locked(chatId, () -> {
      show(chatId, m);
      return true;
    });
    return new MessageRef(chat, id);
  }

  /**
   * The agent's Markdown as sanitized HTML. The gateway renders every text it sends here (a
   * reply, each streamed update of one, a notice) with this before calling {@link #send} or
   * {@link #edit}, so what those receive is HTML that {@link SafeHtml} wrote, stored and shown
   * as such.
   */
  @Override
  public List<String> render(String markdown) {
    return REPLIES.messages(markdown);
  }

  @Override
  public MessageRef send(ChatRef chat, String text) throws PlatformException {
    String id = "a-" + UUID.randomUUID();
    WebMessage m =
        new WebMessage(id, WebMessage.AGENT, text, WebMessage.Markup.HTML, clock.instant());
    locked(chat.chatId(), () -> {
      show(chat.chatId(), m);
      return true;
    });
    return new MessageRef(chat, id);
  }

  @Override
  public void edit(MessageRef message, String text) throws PlatformException {
    String chatId = message.chat().chatId();
    Instant at = clock.instant();
    boolean known = locked(chatId, () -> {
      Optional<WebMessage> stored = history.edit(
          chatId,
          message.messageId(),
          text,
          WebMessage.Markup.HTML,
          at,
          streaming.contains(chatId));
      // Sent with the time of this edit, which moves the conversation up the page's list.
      stored.ifPresent(
          m -> events.toChat(chatId, new ChatEvents.Event("message", WebChatApi.json(m.asOf(at)))));
      return stored.isPresent();
    });
    if (!known) {
      throw new PlatformException(
          "web chat: no message " + message.messageId() + " in " + chatId, true);
    }
  }

  /**
   * Runs {@code change} under the chat's lock and returns what it says; a failed write is a
   * failed platform call.
   */
  private boolean locked(String chatId, BooleanSupplier change) throws PlatformException {
    ReentrantLock lock = chatLocks.computeIfAbsent(chatId, k -> new ReentrantLock());
    lock.lock();
    try {
      return change.getAsBoolean();
    } catch (UncheckedIOException e) {
      throw new PlatformException("web chat: " + e.getMessage(), false, e);
    } finally {
      lock.unlock();
    }
  }

  private void show(String chatId, WebMessage m) {
    Optional<ChatSummary> retitled = history.add(chatId, m);
    events.toChat(chatId, new ChatEvents.Event("message", WebChatApi.json(m)));
    retitled.ifPresent(s -> events.toAll(
        new ChatEvents.Event("chat", JsonExchange.json().writeValueAsString(WebChatApi.json(s)))));
  }

  static ObjectNode object() {
    return JsonExchange.json().createObjectNode();
  }
}
