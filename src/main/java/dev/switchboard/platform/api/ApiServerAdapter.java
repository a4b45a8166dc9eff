package dev.switchboard.platform.api;

import dev.switchboard.common.Ticker;
import dev.switchboard.http.HttpMount;
import dev.switchboard.http.HttpServer;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.NoticeKind;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.ProactiveSender;
import dev.switchboard.platform.Sender;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible API as a platform: each {@code /v1/chat/completions} request is an
 * inbound message in a chat of its own (or of its session), handled by the dispatcher like any
 * other, so it is journaled, counted as drainable work, and answered by the same agent. The
 * answer comes back through the reply calls ({@link #replyGrew}, {@link #replyFinished});
 * when no turn starts (a command, a refusal), the gateway's notice is the answer.
 */
final class ApiServerAdapter implements PlatformAdapter, HttpMount {
  private static final Logger log = LoggerFactory.getLogger(ApiServerAdapter.class);
  static final String PLATFORM = "api";
  /** The one user of the API: whoever holds the key. */
  static final String CLIENT = "api-client";
  // One reply is one response: never split, never edited (the text streams through replyGrew).
  private static final PlatformLimits LIMITS = new PlatformLimits(1 << 20, false, Duration.ZERO);
  /**
   * The largest request body: room for OpenAI's 20 MB image as base64 (27 MB) and more. It is
   * kept on disk while the request is answered ({@link RequestSpool}), never in memory.
   */
  static final long MAX_REQUEST_BYTES = 64L * 1024 * 1024;
  /**
   * Files come in requests, each within {@link ContentParts#MAX_FILE_BYTES} (and the gateway's
   * own limit). None go out: an API answer is text, so the files a reply names stay links in
   * it, as an OpenAI client expects of a chat completion.
   */
  private static final FileLimits FILES = new FileLimits(ContentParts.MAX_FILE_BYTES, 0, 0);

  private final ApiSettings settings;
  private final Clock clock;
  private final RequestBucket bucket;
  private final long createdEpochSeconds;
  private final ConcurrentHashMap<String, PendingCompletion> pending = new ConcurrentHashMap<>();
  private final HeldFiles held = new HeldFiles();
  private final Path spool;
  private final ImageFetcher fetcher;
  /** Null until connected and again once disconnected: no request is taken then. */
  private volatile @Nullable InboundHandler inbound;

  private volatile @Nullable PlatformContext context;

  /**
   * @param spool the folder request bodies are kept in while answered; emptied at connect
   */
  ApiServerAdapter(ApiSettings settings, Clock clock, Path spool) {
    this(settings, clock, Ticker.system(), spool, new ImageFetcher());
  }

  ApiServerAdapter(
      ApiSettings settings, Clock clock, Ticker ticker, Path spool, ImageFetcher fetcher) {
    this.settings = settings;
    this.clock = clock;
    this.spool = spool;
    this.fetcher = fetcher;
    this.bucket = new RequestBucket(settings.requestsPerMinute(), ticker);
    this.createdEpochSeconds = clock.instant().getEpochSecond();
  }

  @Override
  public String name() {
    return PLATFORM;
  }

  @Override
  public PlatformLimits limits() {
    return LIMITS;
  }

  /** The client's connection ended with the process that took its request. */
  @Override
  public boolean answersAfterRestart() {
    return false;
  }

  @Override
  public FileLimits fileLimits() {
    return FILES;
  }

  /** A file of a request still being answered; gone once it is answered. */
  @Override
  public InputStream download(Attachment attachment) throws PlatformException {
    return held.open(attachment.ref());
  }

  /** The gateway's sends on request, once connected. */
  Optional<ProactiveSender> sender() {
    PlatformContext c = context;
    return c == null ? Optional.empty() : c.proactiveSender();
  }

  @Override
  public void mount(HttpServer server) {
    server.route(
        "/v1/*",
        new CompletionsHandler(this, settings, bucket, createdEpochSeconds),
        MAX_REQUEST_BYTES);
    // What the server refuses before the handler runs (a body over its limit) is an API error.
    server.errorsUnder("/v1/", ApiError::fromServer);
  }

  @Override
  public void connect(InboundHandler inbound, PlatformContext context) throws IOException {
    RequestSpool.clear(spool); // what requests left before a restart is nobody's now
    this.context = context;
    this.inbound = inbound;
  }

  @Override
  public void disconnect() {
    inbound = null;
    pending
        .values()
        .forEach(p -> p.signal(new PendingCompletion.Abort(
            "Switchboard is stopping before the answer was complete; send the request again")));
  }

  /** Why a request could not be started, or empty when it was. */
  enum Refusal {
    NOT_RUNNING,
    DRAINING,
    SESSION_BUSY
  }

  Optional<Refusal> refusal() {
    if (inbound == null) {
      return Optional.of(Refusal.NOT_RUNNING);
    }
    PlatformContext c = context;
    return c != null && c.draining() ? Optional.of(Refusal.DRAINING) : Optional.empty();
  }

  /** Registers the request; empty when its session already has one waiting. */
  Optional<PendingCompletion> begin(CompletionRequest request) {
    String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    String chatId = request.session() != null ? "session:" + request.session() : id;
    PendingCompletion p = new PendingCompletion(id, chatId);
    return pending.putIfAbsent(chatId, p) == null ? Optional.of(p) : Optional.empty();
  }

  /** A new spool for a request's body and fetched images. */
  RequestSpool spool() {
    return new RequestSpool(spool);
  }

  ImageFetcher fetcher() {
    return fetcher;
  }

  /**
   * Hands the request to the gateway as a message, with its files held until it ends; false
   * when the gateway stopped first.
   */
  boolean submit(PendingCompletion p, String text, List<HeldFiles.File> files)
      throws InterruptedException {
    InboundHandler to = inbound;
    if (to == null) {
      return false;
    }
    to.accept(new InboundMessage(
        ChatRef.of(PLATFORM, p.chatId),
        p.id,
        new Sender(CLIENT, "API client"),
        text,
        false,
        clock.instant(),
        held.hold(p.id, files)));
    return true;
  }

  void end(PendingCompletion p) {
    held.release(p.id);
    pending.remove(p.chatId, p);
  }

  /** How many requests hold files now, for tests. */
  int holdingFiles() {
    return held.requests();
  }

  private Optional<PendingCompletion> waiting(ChatRef chat, String inReplyTo) {
    PendingCompletion p = pending.get(chat.chatId());
    if (p == null || (inReplyTo != null && !p.id.equals(inReplyTo))) {
      return Optional.empty();
    }
    return Optional.of(p);
  }

  @Override
  public void replyStarted(ChatRef chat, String inReplyTo) {
    waiting(chat, inReplyTo).ifPresent(PendingCompletion::replyStarted);
  }

  @Override
  public void replyGrew(ChatRef chat, String inReplyTo, String delta) {
    waiting(chat, inReplyTo).ifPresent(p -> p.signal(new PendingCompletion.Delta(delta)));
  }

  @Override
  public void replyFinished(ChatRef chat, String inReplyTo, String text) {
    waiting(chat, inReplyTo).ifPresent(p -> p.signal(new PendingCompletion.Done(text)));
  }

  /**
   * A gateway notice about a request: the answer when no turn answers it (a command's reply),
   * a refusal (overloaded, stopping), or a question no API client can answer (the agent asks
   * to approve an action: it is denied at once, as if the client had sent /deny). Notices
   * that only inform ("queued", "finishing your reply first") are not the answer.
   */
  @Override
  public void noticeAbout(ChatRef chat, String inReplyTo, NoticeKind kind, String text) {
    Optional<PendingCompletion> waiting = waiting(chat, inReplyTo);
    if (waiting.isEmpty()) {
      return;
    }
    PendingCompletion p = waiting.get();
    switch (kind) {
      case ANSWER -> {
        if (!p.replying()) {
          p.signal(new PendingCompletion.Done(text));
        }
      }
      case RETRY_LATER -> p.signal(new PendingCompletion.Refused(text));
      case QUESTION -> {
        log.info(
            "api: the agent asked to approve an action in {}; denied, since an API client"
                + " cannot answer",
            chat);
        command(p, "/deny", "deny");
      }
      case INFO -> {}
    }
  }

  /** Gives up the turn of a request nobody waits for any more, as a user's /stop would. */
  void stopTurn(PendingCompletion p) {
    command(p, "/stop", "stop");
  }

  private void command(PendingCompletion p, String command, String suffix) {
    InboundHandler to = inbound;
    if (to == null) {
      return;
    }
    try {
      to.accept(new InboundMessage(
          ChatRef.of(PLATFORM, p.chatId),
          p.id + "-" + suffix + "-" + UUID.randomUUID(),
          new Sender(CLIENT, "API client"),
          command,
          false,
          clock.instant()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every message of this platform is answered through the calls above, never read as sent. */
  @Override
  public MessageRef send(ChatRef chat, String text) {
    return new MessageRef(chat, "n-" + UUID.randomUUID());
  }

  @Override
  public void edit(MessageRef message, String text) {
    // never called: the limits say this platform does not edit
  }
}
