package dev.switchboard.platform.signal;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.ReconnectingLoop;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Signal through a signal-cli daemon's HTTP interface: messages in from its event stream
 * ({@link EventStream}, kept up by the shared {@link ReconnectingLoop}), replies out through its
 * JSON-RPC {@code send}, whole (Signal has no edits), with text styles ({@link SignalText}).
 * A taken message gets a read receipt and the acknowledging reaction when they are set; a
 * reply being written shows as typing, and in a group it quotes the message it answers.
 */
final class SignalAdapter implements PlatformAdapter {
  static final String PLATFORM = "signal";

  /**
   * Signal takes attachments of up to 100 MiB, but signal-cli passes them as base64 inside one
   * JSON-RPC message each way (getAttachment's result, send's data URI), which is held in memory
   * whole: 50 MiB keeps that at about 70 MB.
   */
  static final FileLimits FILES = FileLimits.megabytes(50, 50, SignalText.MAX_MESSAGE);

  private static final Logger log = LoggerFactory.getLogger(SignalAdapter.class);
  private static final Duration CALL = Duration.ofSeconds(30);
  /** A send with a large attachment is uploaded to Signal's servers before the daemon answers. */
  private static final Duration FILE_CALL = Duration.ofMinutes(3);
  /** Receipts, reactions, typing: small, and not worth holding the event stream for. */
  private static final Duration SIDE_CALL = Duration.ofSeconds(5);
  /** On the turn's thread, which must not wait long: the indicator ends by itself anyway. */
  private static final Duration STOP_TYPING_CALL = Duration.ofSeconds(2);

  private final SignalSettings settings;
  private final URI daemon;
  private final Clock clock;
  private final HttpClient http;
  private final SignalRpc rpc;
  private final SignalText text = new SignalText();
  private final InboundEvents events;
  /** Numbers and UUIDs the settings allow: a sender named by either is known by that id. */
  private final Set<String> known;
  /** Per group chat, the message the reply being written answers; quoted by its first part. */
  private final Map<String, String> answering = new ConcurrentHashMap<>();
  /**
   * Chats shown "typing" since their last reply finished: only these need the stop, so a fast
   * answer (no typing, see {@code agent.typing_delay}) costs no typing call at all.
   */
  private final Set<String> typingShown = ConcurrentHashMap.newKeySet();

  /** signal-cli as the gateway's child, when cli_path is set; started by the event loop. */
  private final @Nullable SignalCliProcess child;

  private volatile @Nullable ReconnectingLoop loop;

  /**
   * @param daemon where signal-cli's HTTP interface is: the url setting, or the one a daemon
   *     the gateway runs itself listens on
   */
  SignalAdapter(SignalSettings settings, URI daemon, Clock clock) {
    this(settings, daemon, Set.of(), clock, null);
  }

  /**
   * @param alsoKnown numbers and UUIDs the gateway-wide lists allow on Signal, beside the
   *     platform's own
   * @param child signal-cli for the gateway to run at {@code daemon}; null for a daemon the
   *     operator runs
   */
  SignalAdapter(
      SignalSettings settings,
      URI daemon,
      Set<String> alsoKnown,
      Clock clock,
      @Nullable SignalCliProcess child) {
    this.settings = settings;
    this.daemon = daemon;
    this.child = child;
    this.clock = clock;
    this.http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
    this.rpc = new SignalRpc(http, daemon, settings.account());
    Set<String> named = new HashSet<>(settings.allowedUsers());
    named.addAll(settings.adminUsers());
    named.addAll(alsoKnown);
    this.known = Set.copyOf(named);
    this.events = new InboundEvents(PLATFORM, settings.account(), known);
  }

  @Override
  public String name() {
    return PLATFORM;
  }

  @Override
  public PlatformLimits limits() {
    // No edits: a reply goes whole when it is finished. Signal publishes no rates; these stay
    // well below what its servers let a registered number send without a challenge.
    return new PlatformLimits(SignalText.MAX_MESSAGE, false, Duration.ofSeconds(1), 1.0, 5, 5);
  }

  @Override
  public void connect(InboundHandler inbound, PlatformContext context) throws Exception {
    context.claimCredential(settings.account());
    EventStream stream =
        new EventStream(http, daemon, settings.account(), new EventStream.Events() {
          @Override
          public Optional<ReconnectingLoop.End> preflight() throws InterruptedException {
            Optional<ReconnectingLoop.End> notRunning = startChild();
            return notRunning.isPresent() ? notRunning : checkAccount();
          }

          @Override
          public void receive(String data) throws InterruptedException {
            Optional<InboundEvents.Received> r = events.from(data, clock.instant());
            if (r.isPresent()) {
              inbound.accept(r.get().message());
              acknowledge(r.get());
            }
          }
        });
    // signal-cli writes a keep-alive every 15 s; a stream silent for much longer is stuck.
    ReconnectingLoop l = context.keepConnected(
        "events",
        Duration.ofMinutes(2),
        context.reconnectBackoff(Duration.ofSeconds(1)),
        stream,
        "opening signal-cli's event stream at " + daemon);
    loop = l;
    l.awaitFirstConnection(Duration.ofSeconds(10));
  }

  /**
   * Starts signal-cli when the gateway runs it and it does not run yet (it is watched and
   * restarted from then on): on the event loop rather than in connect, since a start may take
   * longer than a connect may, and a start that fails is retried as a failed stream is, or ends
   * the platform with signal-cli's own reason when no retry can help (an unregistered account).
   */
  private Optional<ReconnectingLoop.End> startChild() throws InterruptedException {
    SignalCliProcess c = child;
    if (c == null) {
      return Optional.empty();
    }
    try {
      c.start();
      return Optional.empty();
    } catch (PlatformException e) {
      String why = String.valueOf(e.getMessage());
      return Optional.of(
          e.fatal() ? ReconnectingLoop.End.fatal(why) : ReconnectingLoop.End.retry(why));
    } catch (IllegalStateException e) {
      return Optional.of(ReconnectingLoop.End.retry("signal-cli is stopping: " + e.getMessage()));
    }
  }

  /**
   * The account is one the daemon has: listAccounts on a daemon serving several (one started
   * with {@code -a} has no such method and serves the one it was given, which the events say).
   */
  private Optional<ReconnectingLoop.End> checkAccount() throws InterruptedException {
    try {
      JsonNode accounts = rpc.call("listAccounts", rpc.params(), CALL, false);
      if (SignalAdapterFactory.lists(accounts, settings.account())) {
        return Optional.empty();
      }
      return Optional.of(ReconnectingLoop.End.fatal(notRegistered()));
    } catch (SignalRpc.Failed e) {
      if (e.error().code() == RpcError.METHOD_NOT_FOUND) {
        return Optional.empty();
      }
      return Optional.of(
          e.error().unknownAccount()
              ? ReconnectingLoop.End.fatal(notRegistered())
              : ReconnectingLoop.End.retry(String.valueOf(e.getMessage())));
    } catch (PlatformException e) {
      return Optional.of(
          e.fatal()
              ? ReconnectingLoop.End.fatal(String.valueOf(e.getMessage()))
              : ReconnectingLoop.End.retry(String.valueOf(e.getMessage())));
    }
  }

  private String notRegistered() {
    return "the account " + settings.account() + " is not registered in signal-cli at " + daemon
        + "; register or link it (signal-cli -a " + settings.account()
        + " register, or signal-cli link), see docs/platforms/signal.md";
  }

  /** The read receipt and the reaction for a message the gateway took; failures only logged. */
  private void acknowledge(InboundEvents.Received r) throws InterruptedException {
    // In a group only for senders the settings name: a stranger there is ignored, not taken.
    boolean ours = r.groupId() == null || known.contains(r.message().sender().userId());
    if (!ours) {
      return;
    }
    if (settings.readReceipts()) {
      ObjectNode p = rpc.params().put("recipient", r.author()).put("type", "read");
      p.putArray("targetTimestamp").add(r.timestamp());
      quietly("sendReceipt", p);
    }
    String emoji = settings.ackReaction();
    if (emoji != null) {
      ObjectNode p = to(r.message().chat())
          .put("emoji", emoji)
          .put("targetAuthor", r.author())
          .put("targetTimestamp", r.timestamp());
      quietly("sendReaction", p);
    }
  }

  private void quietly(String method, ObjectNode params) throws InterruptedException {
    try {
      rpc.call(method, params, SIDE_CALL, false);
    } catch (PlatformException e) {
      log.warn("signal: {} failed: {}", method, e.getMessage());
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

  /** After disconnect, which ended the event stream: signal-cli waits for open streams. */
  @Override
  public void close() {
    if (child != null) {
      child.close();
    }
    http.shutdownNow();
  }

  @Override
  public List<String> render(String markdown) {
    return text.render(markdown);
  }

  @Override
  public MessageRef send(ChatRef chat, String message) throws PlatformException {
    ObjectNode p = to(chat).put("message", message);
    List<String> styles = text.stylesOf(message);
    if (!styles.isEmpty()) {
      var array = p.putArray("textStyle");
      styles.forEach(array::add);
    }
    return post(chat, quoting(chat, p), CALL);
  }

  @Override
  public MessageRef sendPlain(ChatRef chat, String message) throws PlatformException {
    return post(chat, quoting(chat, to(chat).put("message", message)), CALL);
  }

  @Override
  public FileLimits fileLimits() {
    return FILES;
  }

  /**
   * As a data URI with the file's name (RFC 2397 with signal-cli's {@code filename=}): the
   * recipient sees the name the agent gave it, and the daemon needs no access to the gateway's
   * files, so it may run as another user or on another host.
   */
  @Override
  public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file.path());
    } catch (IOException e) {
      throw new PlatformException(
          "cannot read " + file.fileName() + ": " + e.getMessage(), true, e);
    }
    String uri = dataUri(file.mimeType(), file.fileName(), bytes);
    ObjectNode p = to(chat).put("message", file.caption());
    p.putArray("attachments").add(uri);
    return post(chat, p, FILE_CALL);
  }

  /**
   * {@code data:<type>;filename=<name>;base64,<data>}: the type without its parameters and the
   * name URL-encoded, as signal-cli's DataURI reads them (it URL-decodes parameter values).
   */
  static String dataUri(String mimeType, String fileName, byte[] bytes) {
    String type = mimeType.split(";", 2)[0].strip();
    if (!type.matches("[\\w.+-]+/[\\w.+-]+")) {
      type = Attachment.UNKNOWN_TYPE;
    }
    String name = fileName.isBlank() ? "file" : fileName;
    return "data:" + type + ";filename=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
        + ";base64," + Base64.getEncoder().encodeToString(bytes);
  }

  @Override
  public InputStream download(Attachment attachment) throws PlatformException {
    AttachmentRef ref = AttachmentRef.parse(attachment.ref())
        .orElseThrow(() -> new PlatformException("not a Signal attachment", true));
    if (attachment.size() > FILES.maxDownloadBytes()) {
      throw new PlatformException(
          "the file is larger than the 50 MB this gateway takes from Signal", true);
    }
    ObjectNode p = rpc.params().put("id", ref.id());
    if (ref.chatId().startsWith(InboundEvents.GROUP_PREFIX)) {
      p.put("groupId", ref.chatId().substring(InboundEvents.GROUP_PREFIX.length()));
    } else {
      p.put("recipient", ref.chatId());
    }
    JsonNode result = call("getAttachment", p, FILE_CALL, false);
    try {
      return new ByteArrayInputStream(
          Base64.getDecoder().decode(result.path("data").asString("")));
    } catch (IllegalArgumentException e) {
      throw new PlatformException("signal-cli sent the file in a form that is not base64", true, e);
    }
  }

  @Override
  public void edit(MessageRef message, String replacement) throws PlatformException {
    throw new PlatformException("Signal messages cannot be edited by this gateway", true);
  }

  @Override
  public void typing(ChatRef chat) throws PlatformException {
    // before the call: a reply finishing meanwhile must still stop what this starts
    typingShown.add(chat.chatId());
    call("sendTyping", to(chat), SIDE_CALL, false);
  }

  @Override
  public void replyStarted(ChatRef chat, String inReplyTo) {
    if (chat.chatId().startsWith(InboundEvents.GROUP_PREFIX) && inReplyTo.indexOf(':') > 0) {
      answering.put(chat.chatId(), inReplyTo);
    }
  }

  /** The indicator goes by itself after 15 s; stopping it at once is what the apps do. */
  @Override
  public void replyFinished(ChatRef chat, String inReplyTo, String finished) {
    answering.remove(chat.chatId(), inReplyTo);
    if (!typingShown.remove(chat.chatId())) {
      return;
    }
    try {
      call("sendTyping", to(chat).put("stop", true), STOP_TYPING_CALL, false);
    } catch (PlatformException e) {
      log.debug("signal: stopping the typing indicator failed: {}", e.getMessage());
    }
  }

  /** The first message of a reply in a group quotes the message it answers. */
  private ObjectNode quoting(ChatRef chat, ObjectNode params) {
    String inReplyTo = answering.remove(chat.chatId());
    if (inReplyTo != null) {
      int colon = inReplyTo.lastIndexOf(':');
      try {
        long timestamp = Long.parseLong(inReplyTo.substring(colon + 1));
        params.put("quoteTimestamp", timestamp).put("quoteAuthor", inReplyTo.substring(0, colon));
      } catch (NumberFormatException e) {
        // not a Signal message id (a synthetic turn's): nothing to quote
      }
    }
    return params;
  }

  /** The params naming where a chat is: its group, or the person. */
  private ObjectNode to(ChatRef chat) {
    ObjectNode p = rpc.params();
    String id = chat.chatId();
    if (id.startsWith(InboundEvents.GROUP_PREFIX)) {
      p.put("groupId", id.substring(InboundEvents.GROUP_PREFIX.length()));
    } else {
      p.putArray("recipient").add(id);
    }
    return p;
  }

  private MessageRef post(ChatRef chat, ObjectNode params, Duration timeout)
      throws PlatformException {
    JsonNode result = call("send", params, timeout, true);
    long timestamp = result.path("timestamp").asLong(0);
    if (timestamp <= 0) {
      // Sent (there was no error), but the daemon did not say as what: nothing refers to a
      // sent message's id here but the outbox, for which the time of the send is as good.
      log.debug("signal: send answered without a timestamp");
      timestamp = clock.millis();
    }
    return new MessageRef(chat, Long.toString(timestamp));
  }

  private JsonNode call(String method, ObjectNode params, Duration timeout, boolean sends)
      throws PlatformException {
    try {
      return rpc.call(method, params, timeout, sends);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("interrupted", PlatformException.Kind.UNKNOWN_OUTCOME, null, e);
    }
  }
}
