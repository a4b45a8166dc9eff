package dev.switchboard.platform.matrix;

import dev.switchboard.common.Sha256;
import dev.switchboard.common.Sleeper;
import dev.switchboard.platform.Attachment;
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
import dev.switchboard.platform.ReconnectingLoop;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Matrix bot account: messages in through {@code /sync} ({@link MatrixSync}), replies out as
 * {@code m.room.message} events with HTML ({@link MatrixHtml}), in the thread the message came
 * from, streamed by replacement events ({@code m.replace}). Files come as {@code mxc://} URIs,
 * fetched from the authenticated media endpoint, and go out by upload and a message naming them.
 * Encrypted rooms are not supported: the gateway says so once in such a room.
 */
final class MatrixAdapter implements PlatformAdapter {
  private static final Logger log = LoggerFactory.getLogger(MatrixAdapter.class);
  static final String PLATFORM = "matrix";
  static final String CURSOR = "matrix.sync";
  static final String TOLD_ENCRYPTED = "matrix.encrypted-rooms";
  /** Synapse's default max_upload_size is 50M; a homeserver may set more or less. */
  static final FileLimits FILES = FileLimits.megabytes(50, 50, MatrixHtml.MAX_MESSAGE);

  static final String ENCRYPTED_NOTICE = "This room is end-to-end encrypted, and Switchboard"
      + " cannot read encrypted messages: it has no encryption support. Write to it in a"
      + " direct chat or room without encryption.";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);
  private static final Duration UPLOAD_DEADLINE = Duration.ofMinutes(5);
  private static final int SEND_ATTEMPTS = 3;
  /** A sync answers within 30 s even when nothing happens. */
  private static final Duration MAX_SILENCE = Duration.ofMinutes(3);

  private final MatrixSettings settings;
  private final Clock clock;
  private final HttpClient http;
  private final MatrixSession session;
  private final MatrixApi api;
  private final Map<String, Boolean> direct = new ConcurrentHashMap<>();
  private final Set<String> toldEncrypted = ConcurrentHashMap.newKeySet();
  private volatile @Nullable ReconnectingLoop loop;
  private volatile String botUserId = "";

  MatrixAdapter(MatrixSettings settings, Path home, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
    this.session = new MatrixSession(settings, home);
    this.api = new MatrixApi(http, settings.homeserver(), session::token, Sleeper.SYSTEM);
  }

  @Override
  public String name() {
    return PLATFORM;
  }

  @Override
  public PlatformLimits limits() {
    return new PlatformLimits(MatrixHtml.MAX_MESSAGE, true, settings.editInterval(), 1.0, 5, 0);
  }

  @Override
  public void connect(InboundHandler inbound, PlatformContext context) throws Exception {
    String accessToken = settings.accessToken();
    context.claimCredential(
        accessToken != null ? accessToken : settings.user() + " " + settings.homeserver());
    JsonNode me = whoami();
    String userId = me.path("user_id").asString("");
    if (!userId.startsWith("@") || !userId.contains(":")) {
      throw new PlatformException("whoami: no user id in the answer", false);
    }
    botUserId = userId;
    context
        .loadCursor(TOLD_ENCRYPTED)
        .ifPresent(told -> toldEncrypted.addAll(List.of(told.split(" ", -1))));
    InboundEvents events = new InboundEvents(userId, settings.rooms());
    MatrixSync sync = new MatrixSync(
        api,
        session,
        userId,
        settings.allowedInviters(),
        context
            .loadCursor(CURSOR)
            .filter(saved -> saved.startsWith(userId + " "))
            .map(saved -> saved.substring(userId.length() + 1))
            .orElse(null),
        new MatrixSync.Listener() {
          @Override
          public boolean event(String roomId, JsonNode event)
              throws PlatformException, InterruptedException {
            String type = event.path("type").asString("");
            if (type.equals("m.room.member")) {
              direct.remove(roomId); // asked again at the next message
              return false;
            }
            if (!type.equals("m.room.message")
                || event.path("sender").asString("").equals(userId)) {
              return false;
            }
            Optional<InboundMessage> m =
                events.from(roomId, event, isDirect(roomId), clock.instant());
            if (m.isPresent()) {
              inbound.accept(m.get());
            }
            return m.isPresent();
          }

          @Override
          public void encrypted(String roomId) {
            if (!toldEncrypted.contains(roomId)) {
              log.warn(
                  "matrix: room {} is end-to-end encrypted; its messages cannot be read (no"
                      + " encryption support)",
                  roomId);
              if (notice(roomId, ENCRYPTED_NOTICE)) {
                toldEncrypted.add(roomId);
                context.saveCursor(TOLD_ENCRYPTED, String.join(" ", toldEncrypted));
              }
            }
          }

          @Override
          public void save(String nextBatch) {
            // Whose position it is: another bot's (a changed configuration) is not resumed.
            context.saveCursor(CURSOR, userId + " " + nextBatch);
          }
        });
    loop = context.keepConnected(
        "sync",
        MAX_SILENCE,
        context.reconnectBackoff(Duration.ofSeconds(1)),
        sync,
        "connecting to the Matrix homeserver");
    loop.awaitFirstConnection(Duration.ofSeconds(10));
  }

  /** Who the token belongs to; a kept token the homeserver refuses is replaced by a login. */
  private JsonNode whoami() throws PlatformException, InterruptedException {
    session.ensure(api);
    try {
      return api.call("GET", "/_matrix/client/v3/account/whoami", null, CALL_DEADLINE);
    } catch (MatrixApi.Failure e) {
      if (e.status() != 401 || !session.canLogIn()) {
        throw e;
      }
      session.refused();
      session.ensure(api);
      return api.call("GET", "/_matrix/client/v3/account/whoami", null, CALL_DEADLINE);
    }
  }

  /**
   * A room of two members is a direct chat, whatever the clients call it. A count that fails for
   * a while throws, so the batch is fetched again rather than a direct message ignored; a room
   * the bot can no longer see is no direct chat.
   */
  private boolean isDirect(String roomId) throws PlatformException, InterruptedException {
    Boolean known = direct.get(roomId);
    if (known != null) {
      return known;
    }
    try {
      JsonNode members = api.call(
          "GET",
          "/_matrix/client/v3/rooms/" + MatrixApi.segment(roomId) + "/joined_members",
          null,
          CALL_DEADLINE);
      boolean two = members.path("joined").size() == 2;
      direct.put(roomId, two);
      return two;
    } catch (PlatformException e) {
      if (e.kind() != PlatformException.Kind.FATAL) {
        throw e;
      }
      log.warn("matrix: could not count the members of {}: {}", roomId, e.getMessage());
      return false;
    }
  }

  /** Posts a notice; false when it could not go (it is tried again at the next occasion). */
  private boolean notice(String roomId, String text) {
    try {
      put(
          roomId,
          JSON.createObjectNode().put("msgtype", "m.notice").put("body", text),
          txn(roomId + "\n" + text));
      return true;
    } catch (PlatformException e) {
      log.warn("matrix: could not post a notice in {}: {}", roomId, e.getMessage());
      return false;
    }
  }

  @Override
  public void disconnect() {
    ReconnectingLoop l = loop;
    loop = null;
    if (l != null) {
      l.stop();
    }
  }

  @Override
  public void close() {
    http.shutdownNow();
  }

  @Override
  public List<String> render(String markdown) {
    return MatrixHtml.REPLIES.messages(markdown);
  }

  @Override
  public MessageRef send(ChatRef chat, String text) throws PlatformException {
    return new MessageRef(chat, put(chat.chatId(), message(chat, text), "sb-" + UUID.randomUUID()));
  }

  /**
   * With a transaction id derived from the key: the homeserver answers a repeated send with the
   * same path and transaction id with the first event instead of making another (Synapse keeps
   * them for 30 minutes or more).
   */
  @Override
  public MessageRef send(ChatRef chat, String text, String idempotencyKey)
      throws PlatformException {
    return new MessageRef(chat, put(chat.chatId(), message(chat, text), txn(idempotencyKey)));
  }

  @Override
  public boolean idempotentSends() {
    return true;
  }

  private static ObjectNode message(ChatRef chat, String html) {
    ObjectNode content = JSON.createObjectNode()
        .put("msgtype", "m.text")
        .put("body", MatrixHtml.plain(html))
        .put("format", "org.matrix.custom.html")
        .put("formatted_body", html);
    content.putObject("m.mentions"); // an agent's text mentions no one, whatever names it holds
    inThread(chat, content);
    return content;
  }

  private static void inThread(ChatRef chat, ObjectNode content) {
    if (chat.threadId() != null) {
      content
          .putObject("m.relates_to")
          .put("rel_type", "m.thread")
          .put("event_id", chat.threadId())
          .put("is_falling_back", true)
          .putObject("m.in_reply_to")
          .put("event_id", chat.threadId());
    }
  }

  @Override
  public void edit(MessageRef message, String text) throws PlatformException {
    ObjectNode content =
        JSON.createObjectNode().put("msgtype", "m.text").put("body", "* " + MatrixHtml.plain(text));
    content
        .putObject("m.new_content")
        .put("msgtype", "m.text")
        .put("body", MatrixHtml.plain(text))
        .put("format", "org.matrix.custom.html")
        .put("formatted_body", text);
    content
        .putObject("m.relates_to")
        .put("rel_type", "m.replace")
        .put("event_id", message.messageId());
    // The same edit made again (after an unclear failure) is the same transaction.
    put(message.chat().chatId(), content, txn(message.messageId() + "\n" + text));
  }

  /**
   * One event, made again with the same transaction id after a failure that may have landed (a
   * 502 from a proxy, a lost answer): the homeserver answers a repeat with the first event, so
   * a retry here never makes a second one, which a retry with a new id by the caller could.
   */
  private String put(String roomId, ObjectNode content, String txnId) throws PlatformException {
    String path = "/_matrix/client/v3/rooms/" + MatrixApi.segment(roomId) + "/send/m.room.message/"
        + MatrixApi.segment(txnId);
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          JsonNode sent = api.call("PUT", path, content, CALL_DEADLINE);
          String id = sent.path("event_id").asString("");
          if (id.isEmpty()) {
            throw PlatformException.unknownOutcome("send: no event_id in the answer", null);
          }
          return id;
        } catch (PlatformException e) {
          boolean unclear = e.kind() == PlatformException.Kind.TRANSIENT
              || e.kind() == PlatformException.Kind.UNKNOWN_OUTCOME;
          if (!unclear || attempt >= SEND_ATTEMPTS) {
            throw e;
          }
          Sleeper.SYSTEM.sleep(Duration.ofSeconds(attempt));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("interrupted", PlatformException.Kind.UNKNOWN_OUTCOME, null, e);
    }
  }

  private static String txn(String key) {
    return "sb-" + Sha256.hexPrefix(key, 16);
  }

  @Override
  public void typing(ChatRef chat) throws PlatformException {
    try {
      api.call(
          "PUT",
          "/_matrix/client/v3/rooms/" + MatrixApi.segment(chat.chatId()) + "/typing/"
              + MatrixApi.segment(botUserId),
          JSON.createObjectNode().put("typing", true).put("timeout", 30_000),
          Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public FileLimits fileLimits() {
    return FILES;
  }

  @Override
  public InputStream download(Attachment attachment) throws PlatformException {
    try {
      return api.download(attachment.ref(), CALL_DEADLINE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("interrupted", false);
    }
  }

  /** Uploaded to the media repository, then a message names it; nothing is sent if it fails. */
  @Override
  public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    String name = file.fileName().isBlank() ? "file" : file.fileName();
    String uri;
    try {
      uri = api.upload(file.path(), name, file.mimeType(), UPLOAD_DEADLINE);
    } catch (MatrixApi.Failure e) {
      if (e.status() == 413) {
        throw new PlatformException(
            "the homeserver refused " + name + " as too large ("
                + String.format(Locale.ROOT, "%.1f MB", file.size() / (1024.0 * 1024))
                + "; its max_upload_size applies)",
            PlatformException.Kind.FATAL,
            null,
            e);
      }
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("interrupted", PlatformException.Kind.TRANSIENT, null, e);
    }
    String msgtype = switch (file.kind()) {
      case IMAGE, STICKER -> "m.image";
      case AUDIO, VOICE -> "m.audio";
      case VIDEO -> "m.video";
      case DOCUMENT -> "m.file";
    };
    ObjectNode content = JSON.createObjectNode()
        .put("msgtype", msgtype)
        .put("body", file.caption().isEmpty() ? name : file.caption())
        .put("filename", name)
        .put("url", uri);
    content.putObject("info").put("mimetype", file.mimeType()).put("size", file.size());
    inThread(chat, content);
    return new MessageRef(chat, put(chat.chatId(), content, txn(uri)));
  }
}
