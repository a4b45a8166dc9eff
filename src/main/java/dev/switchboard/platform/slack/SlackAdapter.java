package dev.switchboard.platform.slack;

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
import java.io.InputStream;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Slack app: events in through Socket Mode ({@link SocketMode}), replies out through the Web
 * API ({@code chat.postMessage}, {@code chat.update}) in mrkdwn, in the thread the message came
 * from. Files come in with message events ({@link InboundFiles}), are fetched from Slack's file
 * host with the bot token ({@link FileDownload}) and go out by Slack's external upload ({@link
 * FileUpload}). No public URL is needed.
 */
final class SlackAdapter implements PlatformAdapter {
  static final String PLATFORM = "slack";
  /** Slack takes up to 40,000 characters but advises 4,000 for readability. */
  static final int MAX_MESSAGE = 4000;
  /** Slack counts characters of the mrkdwn as sent, escapes included. */
  static final ReplyFormat REPLIES =
      new ReplyFormat(new Mrkdwn(), MAX_MESSAGE, LengthUnit.CODE_POINTS, WhitespaceAtCuts.TRIM);

  /**
   * Slack takes uploads of up to 1 GB; downloads are held to the same, and the gateway's own
   * media.max_file_mb applies below that.
   */
  static final FileLimits FILES = FileLimits.megabytes(1024, 1024, MAX_MESSAGE);

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  private final SlackSettings settings;
  private final Clock clock;
  private final HttpClient http;
  private final SlackWebApi api;
  private final FileDownload downloads;
  private final FileUpload uploads;
  private final InboundEvents events = new InboundEvents();
  private volatile @Nullable ReconnectingLoop loop;
  private volatile @Nullable String botUserId;

  SlackAdapter(SlackSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
    this.api = new SlackWebApi(http, settings.apiBaseUrl(), Sleeper.SYSTEM);
    this.downloads = new FileDownload(http, settings.filesBaseUrl());
    this.uploads = new FileUpload(http, api);
  }

  @Override
  public String name() {
    return PLATFORM;
  }

  @Override
  public PlatformLimits limits() {
    // chat.postMessage: about one message per second per channel, short bursts allowed.
    return new PlatformLimits(MAX_MESSAGE, true, settings.editInterval(), 1.0, 3, 20);
  }

  @Override
  public void connect(InboundHandler inbound, PlatformContext context) throws Exception {
    context.claimCredential(settings.botToken());
    JsonNode me = api.call("auth.test", settings.botToken(), null, CALL_DEADLINE);
    botUserId = me.path("user_id").asString();
    SocketMode socketMode = new SocketMode(http, api, settings.appToken(), payload -> {
      Optional<InboundMessage> m = events.from(payload, botUserId, clock.instant());
      if (m.isPresent()) {
        inbound.accept(m.get());
      }
    });
    // The open, the handshake and the hello take 30 s each at most; waits beat all along.
    loop = context.keepConnected(
        "socket",
        Duration.ofMinutes(3),
        context.reconnectBackoff(Duration.ofSeconds(1)),
        socketMode,
        "opening a Socket Mode connection");
    // Connected in a moment as a rule; otherwise the loop goes on retrying after connect
    // returns, and the state says "connecting".
    loop.awaitFirstConnection(Duration.ofSeconds(10));
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
    return post(chat, message(chat, text));
  }

  /** With {@code mrkdwn: false}: Slack shows the text as it is, marks and all. */
  @Override
  public MessageRef sendPlain(ChatRef chat, String text) throws PlatformException {
    return post(chat, message(chat, text).put("mrkdwn", false));
  }

  private static ObjectNode message(ChatRef chat, String text) {
    ObjectNode body = JSON.createObjectNode()
        .put("channel", chat.chatId())
        .put("text", text)
        .put("unfurl_links", false);
    if (chat.threadId() != null) {
      body.put("thread_ts", chat.threadId());
    }
    return body;
  }

  private MessageRef post(ChatRef chat, ObjectNode body) throws PlatformException {
    JsonNode sent = call("chat.postMessage", body);
    return new MessageRef(chat, sent.path("ts").asString());
  }

  @Override
  public FileLimits fileLimits() {
    return FILES;
  }

  @Override
  public InputStream download(Attachment attachment) throws PlatformException {
    return downloads.open(attachment, settings.botToken());
  }

  @Override
  public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    try {
      return uploads.send(chat, file, settings.botToken());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("interrupted", PlatformException.Kind.UNKNOWN_OUTCOME, null, e);
    }
  }

  @Override
  public void edit(MessageRef message, String text) throws PlatformException {
    call(
        "chat.update",
        JSON.createObjectNode()
            .put("channel", message.chat().chatId())
            .put("ts", message.messageId())
            .put("text", text));
  }

  private JsonNode call(String method, ObjectNode body) throws PlatformException {
    try {
      return api.call(method, settings.botToken(), body, CALL_DEADLINE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("interrupted", PlatformException.Kind.UNKNOWN_OUTCOME, null, e);
    }
  }
}
