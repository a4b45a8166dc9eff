package dev.switchboard.platform.mattermost;

import dev.switchboard.common.MultipartForm;
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
import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.WhitespaceAtCuts;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Mattermost bot (or a user with a personal access token): posts in through the server's
 * WebSocket ({@link MattermostSocket}), replies out through REST API v4 ({@code POST /posts},
 * streamed by {@code PUT /posts/{id}/patch}) in Mattermost's Markdown, in the thread the post
 * came from. Files come with posts as FileInfo ids, are fetched from {@code /files/{id}} with
 * the token, and go out by {@code POST /files} and a post that names them.
 */
final class MattermostAdapter implements PlatformAdapter {
  private static final Logger log = LoggerFactory.getLogger(MattermostAdapter.class);
  static final String PLATFORM = "mattermost";

  /**
   * Mattermost's MaxPostSize on a current schema: 16,383 characters (Unicode code points); a
   * server on the old 4,000 refuses longer posts with a 400, and the reply is sent again
   * shorter.
   */
  static final int MAX_MESSAGE = 16_383;

  static final ReplyFormat REPLIES = replies(MAX_MESSAGE);

  /** The server's default MaxFileSize is 100 MiB. */
  static final FileLimits FILES = FileLimits.megabytes(100, 100, MAX_MESSAGE);

  static final String CURSOR = "mattermost.socket";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);
  private static final Duration UPLOAD_DEADLINE = Duration.ofMinutes(5);
  /** A quiet socket is pinged every 20 s; three unanswered pings end it. */
  private static final Duration MAX_SILENCE = Duration.ofMinutes(3);

  private final MattermostSettings settings;
  private final Clock clock;
  private final HttpClient http;
  private final MattermostApi api;
  private volatile @Nullable ReconnectingLoop loop;
  private volatile String botUserId = "me";
  /** The server's MaxPostSize once read; 16,383 until then. */
  private volatile ReplyFormat replies = REPLIES;

  MattermostAdapter(MattermostSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
    this.api = new MattermostApi(http, settings.apiBase(), settings.token(), Sleeper.SYSTEM);
  }

  @Override
  public String name() {
    return PLATFORM;
  }

  static ReplyFormat replies(int maxPost) {
    return new ReplyFormat(
        MattermostMarkdown.RENDERER, maxPost, LengthUnit.CODE_POINTS, WhitespaceAtCuts.TRIM);
  }

  @Override
  public PlatformLimits limits() {
    // The server's rate limit, when an admin turns it on, is 10 requests/s with bursts of 100.
    return new PlatformLimits(replies.limit(), true, settings.editInterval(), 1.0, 5, 10);
  }

  @Override
  public void connect(InboundHandler inbound, PlatformContext context) throws Exception {
    context.claimCredential(settings.token());
    JsonNode me = api.call("GET", "/users/me", null, CALL_DEADLINE);
    String id = me.path("id").asString("");
    String username = me.path("username").asString("");
    if (!MattermostApi.ID.matcher(id).matches() || username.isEmpty()) {
      throw new PlatformException("GET /users/me: no user id or username in the answer", false);
    }
    botUserId = id;
    readMaxPostSize();
    InboundPosts posts = new InboundPosts(settings.channels(), id, username);
    Backfill backfill = new Backfill(api);
    MattermostSocket.Position saved =
        context.loadCursor(CURSOR).map(MattermostSocket.Position::decode).orElse(null);
    MattermostSocket socket = new MattermostSocket(
        http,
        api,
        settings.websocketUrl(),
        settings.token(),
        id,
        saved,
        new MattermostSocket.Listener() {
          @Override
          public long posted(JsonNode data) throws InterruptedException {
            JsonNode post = InboundPosts.post(data); // read once, for the message and its time
            Optional<InboundMessage> m = posts.fromEvent(data, post, clock.instant());
            if (m.isPresent()) {
              inbound.accept(m.get());
            }
            return post.path("create_at").asLong(0);
          }

          @Override
          public long missed(long sinceMillis) throws PlatformException, InterruptedException {
            return backfill.fetch(sinceMillis, clock.millis(), (post, channelType) -> {
              Optional<InboundMessage> m = posts.fromPost(post, channelType, clock.instant());
              if (m.isPresent()) {
                inbound.accept(m.get());
              }
            });
          }

          @Override
          public void save(MattermostSocket.Position position) {
            context.saveCursor(CURSOR, position.encode());
          }
        },
        context.reconnectBackoff(Duration.ofSeconds(5)),
        clock::millis);
    loop = context.keepConnected(
        "socket",
        MAX_SILENCE,
        context.reconnectBackoff(Duration.ofSeconds(1)),
        socket,
        "connecting to the Mattermost WebSocket");
    // Connected in a moment as a rule; otherwise the loop goes on retrying after connect
    // returns, and the state says "connecting".
    loop.awaitFirstConnection(Duration.ofSeconds(10));
  }

  /**
   * The server's MaxPostSize (16,383 on a current schema, 4,000 on an old one), from its client
   * configuration; the default stands when it cannot be read.
   */
  private void readMaxPostSize() throws InterruptedException {
    try {
      String size = api.call("GET", "/config/client?format=old", null, CALL_DEADLINE)
          .path("MaxPostSize")
          .asString("");
      int max = Integer.parseInt(size.strip());
      if (max >= 1000 && max != replies.limit()) {
        replies = replies(max);
        log.info("mattermost: the server takes posts of up to {} characters", max);
      }
    } catch (PlatformException | NumberFormatException e) {
      log.info(
          "mattermost: the server's post size is not known ({}); posts are held to {}",
          e.getMessage(),
          replies.limit());
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
    http.shutdownNow(); // sends and downloads use it too: kept across reconnects
  }

  @Override
  public List<String> render(String markdown) {
    return replies.messages(markdown);
  }

  @Override
  public MessageRef send(ChatRef chat, String text) throws PlatformException {
    return post(chat, post(chat).put("message", text));
  }

  /**
   * With a {@code pending_post_id} derived from the key: the server answers a repeated create
   * with the same one, within 30 s, with the first post instead of making another, so a retry
   * after a 5xx or a dropped answer does not post twice. Beyond 30 s it would, so sends are not
   * declared idempotent.
   */
  @Override
  public MessageRef send(ChatRef chat, String text, String idempotencyKey)
      throws PlatformException {
    return post(
        chat,
        post(chat).put("message", text).put("pending_post_id", pendingPostId(idempotencyKey)));
  }

  private String pendingPostId(String key) {
    return botUserId + ":" + Sha256.hexPrefix(key, 8);
  }

  private static ObjectNode post(ChatRef chat) {
    ObjectNode body = JSON.createObjectNode().put("channel_id", chat.chatId());
    if (chat.threadId() != null) {
      body.put("root_id", chat.threadId());
    }
    return body;
  }

  private MessageRef post(ChatRef chat, ObjectNode body) throws PlatformException {
    JsonNode sent = call("POST", "/posts", body, CALL_DEADLINE);
    String id = sent.path("id").asString("");
    if (id.isEmpty()) {
      throw PlatformException.unknownOutcome("POST /posts: no post id in the answer", null);
    }
    return new MessageRef(chat, id);
  }

  @Override
  public void edit(MessageRef message, String text) throws PlatformException {
    String id = checkedId(message.messageId(), "post");
    call(
        "PUT",
        "/posts/" + id + "/patch",
        JSON.createObjectNode().put("message", text),
        CALL_DEADLINE);
  }

  @Override
  public void typing(ChatRef chat) throws PlatformException {
    ObjectNode body = JSON.createObjectNode()
        .put("channel_id", chat.chatId())
        .put("parent_id", chat.threadId() == null ? "" : chat.threadId());
    try {
      api.call("POST", "/users/" + botUserId + "/typing", body, Duration.ofSeconds(10));
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

  /**
   * Mattermost's two steps: the file goes up to the channel ({@code POST /files}, the channel
   * field before the file, as the server streams the body only in that order), then a post
   * names it with the caption as its text. Nothing is posted if the upload fails.
   */
  @Override
  public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    String name = file.fileName().isBlank() ? "file" : file.fileName();
    JsonNode uploaded;
    try {
      uploaded = api.upload(
          "/files",
          new MultipartForm()
              .field("channel_id", chat.chatId())
              .file("files", name, file.mimeType(), file.path()),
          UPLOAD_DEADLINE);
    } catch (MattermostApi.Failure e) {
      if (e.status() == 413) {
        throw new PlatformException(
            "Mattermost refused " + name + " as too large (" + megabytes(file.size())
                + "; the server's limit is its MaxFileSize, 100 MB unless an admin changed it)",
            PlatformException.Kind.FATAL,
            null,
            e);
      }
      throw e;
    } catch (FileNotFoundException e) {
      throw new PlatformException("the file to send is gone: " + name, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("interrupted", PlatformException.Kind.TRANSIENT, null, e);
    }
    String fileId = uploaded.path("file_infos").path(0).path("id").asString("");
    if (fileId.isEmpty()) {
      throw new PlatformException("POST /files: no file id in the answer", false);
    }
    ObjectNode body = post(chat).put("message", file.caption());
    body.putArray("file_ids").add(fileId);
    return post(chat, body);
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
  }

  private static String checkedId(String id, String what) throws PlatformException {
    if (!MattermostApi.ID.matcher(id).matches()) {
      throw new PlatformException("not a Mattermost " + what + " id", true);
    }
    return id;
  }

  private JsonNode call(String method, String path, ObjectNode body, Duration deadline)
      throws PlatformException {
    try {
      return api.call(method, path, body, deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("interrupted", PlatformException.Kind.UNKNOWN_OUTCOME, null, e);
    }
  }
}
