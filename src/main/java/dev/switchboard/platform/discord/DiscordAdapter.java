package dev.switchboard.platform.discord;

import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
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
import dev.switchboard.platform.PlatformState;
import dev.switchboard.platform.ReconnectingLoop;
import dev.switchboard.text.CommonMark;
import dev.switchboard.text.LengthUnit;
import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.WhitespaceAtCuts;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Discord bot: messages in through the Gateway ({@link DiscordGateway}), replies out through
 * REST ({@link DiscordRest}). Direct messages, guild channels (when mentioned, or in configured
 * channels) and threads. Discord replays what a resumed session missed; the journal drops the
 * repeats by message id.
 *
 * <p>Files: attachments come in with their CDN URLs and are fetched from Discord's CDN only
 * ({@link AttachmentDownloads}); files go out as multipart uploads of a new message ({@link
 * MultipartForm}) through the same rate limits as text.
 */
final class DiscordAdapter implements PlatformAdapter {
  static final String PLATFORM = "discord";
  static final int MAX_MESSAGE = 2000;
  /**
   * Discord renders the Markdown itself and counts characters. Mentions are left as written:
   * every message goes with {@code allowed_mentions} empty, so nothing an agent writes pings
   * anyone.
   */
  static final ReplyFormat REPLIES =
      new ReplyFormat(new CommonMark(), MAX_MESSAGE, LengthUnit.CODE_POINTS, WhitespaceAtCuts.TRIM);

  private static final Logger log = LoggerFactory.getLogger(DiscordAdapter.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);
  /** A 20 MiB upload on a slow uplink, and the rate limit's wait before it. */
  private static final Duration UPLOAD_DEADLINE = Duration.ofMinutes(3);
  /**
   * Up: "the default limit is 20 MiB" per file (Discord's Uploading Files, since September
   * 2026; a server's boost tier may allow more, and a refusal says so). Down: the CDN hands a
   * bot any attachment, so the bound is the largest a user can attach (500 MB with Nitro); the
   * gateway's own media.max_file_mb applies below that. Captions are message content.
   */
  private static final FileLimits FILES =
      new FileLimits(500L * 1024 * 1024, 20L * 1024 * 1024, MAX_MESSAGE);

  private static final String CREATE_ROUTE = "POST /channels/{id}/messages";
  /** The gateway ACKs a heartbeat every ~41 s; a reconnect beats while it backs off. */
  private static final Duration MAX_SILENCE = Duration.ofMinutes(3);

  private static final Duration READY_WAIT = Duration.ofSeconds(10);
  static final String SESSION_CURSOR = "discord.session";
  /** Discord's JSON error code for "Request entity too large". */
  private static final int ENTITY_TOO_LARGE = 40005;

  private final DiscordSettings settings;
  private final Clock clock;
  private final HttpClient http;
  private final DiscordRest rest;
  private final InboundMessages inboundMessages;
  private final AttachmentDownloads downloads;
  private volatile @Nullable ReconnectingLoop loop;
  private volatile @Nullable String botUserId;

  DiscordAdapter(DiscordSettings settings, String version, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
    this.rest = new DiscordRest(
        http,
        settings.apiBaseUrl(),
        settings.token(),
        version,
        new RateLimits(Ticker.system()),
        Sleeper.SYSTEM);
    this.inboundMessages = new InboundMessages(settings.channels());
    this.downloads = new AttachmentDownloads(
        http,
        new AttachmentLinks(settings.apiBaseUrl(), settings.cdnBaseUrl()),
        DiscordRest.userAgent(version));
  }

  @Override
  public String name() {
    return PLATFORM;
  }

  @Override
  public PlatformLimits limits() {
    // Discord's create-message bucket is 5 per 5 s per channel; 50 requests/s globally.
    return new PlatformLimits(MAX_MESSAGE, true, settings.editInterval(), 1.0, 5, 40);
  }

  @Override
  public void connect(InboundHandler inbound, PlatformContext context) throws Exception {
    context.claimCredential(settings.token());
    GatewayProtocol protocol = new GatewayProtocol(
        settings.token(),
        DiscordIntents.DEFAULT,
        ThreadLocalRandom.current(),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5));
    // The previous process's session, if it is still young enough: Discord replays to a
    // resume what arrived while no process was connected.
    context.loadCursor(SESSION_CURSOR).ifPresent(protocol::restore);
    // Asked here, so a refused token fails the connect at once; later sessions ask again.
    AtomicReference<@Nullable URI> first = new AtomicReference<>(locate(context, Sleeper.SYSTEM));
    DiscordGateway gateway = new DiscordGateway(
        http,
        protocol,
        link -> {
          URI url = first.getAndSet(null);
          return url != null ? url : locate(context, link::pause);
        },
        new DiscordGateway.Listener() {
          @Override
          public void ready(@Nullable String id, @Nullable String botName) {
            if (id != null) {
              botUserId = id;
            }
          }

          @Override
          public boolean dispatch(String type, JsonNode data) {
            if (!type.equals("MESSAGE_CREATE")) {
              return true;
            }
            Optional<InboundMessage> m = inboundMessages.from(data, botUserId, clock.instant());
            if (m.isPresent()) {
              try {
                inbound.accept(m.get());
              } catch (InterruptedException e) {
                return false; // stopping: not journaled, so the next process resumes for it
              }
            }
            return true;
          }

          @Override
          public void sequence(Optional<String> saved) {
            saved.ifPresent(s -> context.saveCursor(SESSION_CURSOR, s));
          }
        },
        Sleeper.SYSTEM);
    loop = context.keepConnected(
        "gateway",
        MAX_SILENCE,
        context.reconnectBackoff(Duration.ofSeconds(1)),
        gateway,
        "connecting to the Discord gateway");
    // Connected in a moment as a rule; if the gateway keeps closing on us, the loop goes on
    // retrying (with backoff) after connect returns, and the state says "connecting".
    loop.awaitFirstConnection(READY_WAIT);
  }

  /**
   * GET /gateway/bot before each new session: the URL, and the session start limit, which is
   * waited out rather than spent (Discord resets the token of a bot that identifies too often).
   */
  private URI locate(PlatformContext context, Sleeper waiter)
      throws PlatformException, InterruptedException {
    JsonNode bot = rest.call("GET", "GET /gateway/bot", "-", "/gateway/bot", null, CALL_DEADLINE);
    JsonNode limit = bot.path("session_start_limit");
    if (limit.has("remaining") && limit.path("remaining").asInt() <= 0) {
      Duration wait = Duration.ofMillis(limit.path("reset_after").asLong(60_000));
      String why = "Discord's session start limit is used up; connecting again in "
          + wait.toMinutes() + " min";
      log.warn("discord: {}", why);
      context.reportState(PlatformState.DEGRADED, why);
      waiter.sleep(wait);
    }
    return URI.create(bot.path("url").asString());
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
    return REPLIES.messages(markdown);
  }

  @Override
  public MessageRef send(ChatRef chat, String text) throws PlatformException {
    return create(chat, JSON.createObjectNode().put("content", text));
  }

  /**
   * With Discord's enforced nonce: a second create with the same nonce within a few minutes
   * returns the first message instead of making another, so a send repeated after a crash
   * cannot appear twice. The nonce (25 characters at most) is derived from the outbox key.
   */
  @Override
  public MessageRef send(ChatRef chat, String text, String idempotencyKey)
      throws PlatformException {
    return create(
        chat,
        JSON.createObjectNode()
            .put("content", text)
            .put("nonce", Nonces.of(idempotencyKey))
            .put("enforce_nonce", true));
  }

  @Override
  public boolean idempotentSends() {
    return true;
  }

  private MessageRef create(ChatRef chat, ObjectNode body) throws PlatformException {
    body.putObject("allowed_mentions").putArray("parse"); // an agent's text pings nobody
    try {
      JsonNode sent = rest.call(
          "POST",
          CREATE_ROUTE,
          chat.chatId(),
          "/channels/" + chat.chatId() + "/messages",
          body,
          CALL_DEADLINE);
      return new MessageRef(chat, sent.path("id").asString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("interrupted", PlatformException.Kind.UNKNOWN_OUTCOME, null, e);
    }
  }

  @Override
  public FileLimits fileLimits() {
    return FILES;
  }

  @Override
  public InputStream download(Attachment attachment) throws PlatformException {
    return downloads.open(attachment);
  }

  /**
   * A new message with the file as its attachment and the caption as its content, as Discord's
   * Uploading Files describes: {@code payload_json} with an {@code attachments} entry whose id
   * is the 0 of {@code files[0]}. A voice note goes as an audio file: Discord's own voice
   * messages (flag IS_VOICE_MESSAGE) need a waveform and duration the gateway does not have.
   */
  @Override
  public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    String name = file.fileName().isBlank() ? "file" : file.fileName();
    ObjectNode payload = JSON.createObjectNode();
    if (!file.caption().isEmpty()) {
      payload.put("content", file.caption());
    }
    payload.putArray("attachments").addObject().put("id", 0).put("filename", name);
    payload.putObject("allowed_mentions").putArray("parse"); // a caption pings nobody
    try {
      JsonNode sent = rest.upload(
          CREATE_ROUTE,
          chat.chatId(),
          "/channels/" + chat.chatId() + "/messages",
          MultipartForm.message(payload, name, file.mimeType(), file.path()),
          UPLOAD_DEADLINE);
      return new MessageRef(chat, sent.path("id").asString());
    } catch (DiscordApiException e) {
      if (e.status() == 413 || e.code() == ENTITY_TOO_LARGE) {
        throw new PlatformException(
            "Discord refused " + name + " as too large (" + megabytes(file.size())
                + "; bots may send files up to " + megabytes(FILES.maxUploadBytes())
                + " unless the server's boosts allow more)",
            PlatformException.Kind.FATAL,
            null,
            e);
      }
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("interrupted", PlatformException.Kind.UNKNOWN_OUTCOME, null, e);
    }
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
  }

  @Override
  public void edit(MessageRef message, String text) throws PlatformException {
    ObjectNode body = JSON.createObjectNode().put("content", text);
    String channel = message.chat().chatId();
    try {
      rest.call(
          "PATCH",
          "PATCH /channels/{id}/messages/{id}",
          channel,
          "/channels/" + channel + "/messages/" + message.messageId(),
          body,
          CALL_DEADLINE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("interrupted", PlatformException.Kind.UNKNOWN_OUTCOME, null, e);
    }
  }

  @Override
  public void typing(ChatRef chat) throws PlatformException {
    try {
      rest.call(
          "POST",
          "POST /channels/{id}/typing",
          chat.chatId(),
          "/channels/" + chat.chatId() + "/typing",
          null,
          Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
