package dev.switchboard.platform.whatsapp;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Ticker;
import dev.switchboard.http.TrustedProxies;
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
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * WhatsApp over Meta's Cloud API. Messages arrive by webhook ({@link WebhookReceiver}) and are
 * answered with {@code POST /<phone-number-id>/messages}; WhatsApp cannot edit a message, so a
 * reply goes whole when it is finished, rendered in WhatsApp's formatting ({@link
 * WhatsAppMarkup}). The first message of a reply quotes the message it answers (context), and
 * while the agent works the message is marked read with a typing indicator. A reply that falls
 * outside the 24-hour window (131047) is replaced by the configured template, if any; failures
 * are classified by {@link GraphApiException}, and a refused token marks the platform failed.
 */
final class WhatsAppAdapter implements PlatformAdapter {
  static final String NAME = "whatsapp";
  private static final Logger log = LoggerFactory.getLogger(WhatsAppAdapter.class);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);
  /** Meta's pair rate limit: about one message every 6 seconds to one user, with bursts. */
  private static final double PER_CHAT_PER_SECOND = 1.0 / 6;

  private static final int PER_CHAT_BURST = 10;
  /** The default throughput of a business phone number: 80 messages per second. */
  private static final double GLOBAL_PER_SECOND = 80;

  private final WhatsAppSettings settings;
  private final TrustedProxies proxies;
  private final GraphApi api;
  private final WhatsAppMedia media;
  /** The latest message from each chat, which the typing indicator must name. */
  private final Map<String, String> latest = new ConcurrentHashMap<>();
  /** Chats whose next message quotes the message a reply answers. */
  private final Map<String, String> quoting = new ConcurrentHashMap<>();

  private final ClosedWindows windows;
  private final FailedSends failures;
  private volatile @Nullable WebhookReceiver webhook;
  private volatile @Nullable PlatformContext context;
  /** Set while the platform is reported failed for a refused token, until a call works again. */
  private volatile boolean tokenRefused;

  WhatsAppAdapter(WhatsAppSettings settings, TrustedProxies proxies) {
    this.settings = settings;
    this.proxies = proxies;
    this.api = new GraphApi(settings.apiUrl(), settings.apiVersion(), settings.accessToken());
    this.media = new WhatsAppMedia(api, settings.phoneNumberId(), settings.apiUrl());
    this.windows = new ClosedWindows(settings.templateName(), this::tellOperator, Instant::now);
    this.failures = new FailedSends(windows, this::templateLater, this::countFailure);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PlatformLimits limits() {
    return new PlatformLimits(
        WhatsAppMarkup.MAX_MESSAGE,
        false,
        Duration.ofSeconds(1),
        PER_CHAT_PER_SECOND,
        PER_CHAT_BURST,
        GLOBAL_PER_SECOND);
  }

  @Override
  public void connect(InboundHandler inbound, PlatformContext context) throws Exception {
    this.context = context;
    context.claimCredential(NAME + ":" + settings.phoneNumberId());
    JsonNode phone;
    try {
      phone = api.get(
          settings.phoneNumberId() + "?fields=display_phone_number,verified_name", CALL_DEADLINE);
    } catch (GraphApiException e) {
      throw e.classified(false);
    }
    log.info(
        "whatsapp: connected as {} ({}), phone number id {}",
        phone.path("display_phone_number").asString("?"),
        phone.path("verified_name").asString("?"),
        settings.phoneNumberId());
    Heartbeat beat = context.heartbeat("webhook", Duration.ofDays(3650)); // no loop to watch
    NotificationParser parser = new NotificationParser(settings.phoneNumberId());
    WebhookReceiver receiver = new WebhookReceiver(
        settings, proxies, parser, n -> take(n, inbound), beat, Ticker.system());
    receiver.start();
    webhook = receiver;
  }

  /** Hands a delivery's messages to the gateway (which journals them) and notes its statuses. */
  private void take(Notification notification, InboundHandler inbound) throws InterruptedException {
    for (InboundMessage m : notification.messages()) {
      latest.put(m.chat().chatId(), m.messageId());
      inbound.accept(m);
    }
    notification.statuses().forEach(failures::report);
  }

  @Override
  public void disconnect() throws Exception {
    WebhookReceiver w = webhook;
    webhook = null;
    if (w != null) {
      w.close(); // Meta keeps retrying what it could not deliver until we are back
    }
  }

  @Override
  public void close() {
    api.close();
  }

  @Override
  public MessageRef send(ChatRef chat, String text) throws PlatformException {
    ObjectNode body = message(chat, "text");
    body.putObject("text").put("preview_url", settings.linkPreviews()).put("body", text);
    return post(chat, body);
  }

  @Override
  public void edit(MessageRef message, String text) throws PlatformException {
    throw new PlatformException("WhatsApp cannot edit a message", true);
  }

  @Override
  public FileLimits fileLimits() {
    return WhatsAppMedia.LIMITS;
  }

  @Override
  public InputStream download(Attachment attachment) throws PlatformException {
    return media.download(attachment);
  }

  @Override
  public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    String type = WhatsAppMedia.messageType(file);
    String mime = WhatsAppMedia.baseType(file.mimeType());
    String id = media.upload(file, mime.isEmpty() ? Attachment.UNKNOWN_TYPE : mime);
    ObjectNode body = message(chat, type);
    ObjectNode what = body.putObject(type).put("id", id);
    boolean captioned = !type.equals("audio") && !file.caption().isBlank();
    if (captioned) {
      what.put("caption", file.caption());
    }
    if (type.equals("document")) {
      what.put("filename", file.fileName());
    }
    MessageRef sent = post(chat, body);
    if (!captioned && !file.caption().isBlank()) {
      send(chat, file.caption()); // WhatsApp's audio messages take no caption
    }
    return sent;
  }

  /** Marks the chat's latest message read, with the typing indicator (shown up to 25 s). */
  @Override
  public void typing(ChatRef chat) throws PlatformException {
    String last = latest.get(chat.chatId());
    if (last == null) {
      return; // nothing to mark: the indicator must name a message the user sent
    }
    ObjectNode body = api.object();
    body.put("messaging_product", "whatsapp");
    body.put("status", "read");
    body.put("message_id", last);
    body.putObject("typing_indicator").put("type", "text");
    try {
      api.post(settings.phoneNumberId() + "/messages", body, CALL_DEADLINE);
    } catch (GraphApiException e) {
      throw failed(e, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("typing interrupted", PlatformException.Kind.TRANSIENT, null, e);
    }
  }

  @Override
  public boolean typingMarksRead() {
    return true;
  }

  @Override
  public void replyStarted(ChatRef chat, String inReplyTo) {
    if (NAME.equals(chat.platform()) && !inReplyTo.startsWith(InboundMessage.SYNTHETIC_PREFIX)) {
      latest.put(chat.chatId(), inReplyTo);
      quoting.put(chat.chatId(), inReplyTo);
    }
  }

  @Override
  public List<String> render(String markdown) {
    List<String> parts = WhatsAppMarkup.REPLIES.messages(markdown).stream()
        .filter(p -> !p.isBlank())
        .toList();
    // WhatsApp refuses an empty message; a blank reply still says that nothing came.
    return parts.isEmpty() ? List.of("\u2026") : parts;
  }

  private ObjectNode message(ChatRef chat, String type) {
    ObjectNode body = api.object();
    body.put("messaging_product", "whatsapp");
    Recipients.address(body, chat.chatId());
    String quoted = quoting.remove(chat.chatId());
    if (quoted != null) {
      body.putObject("context").put("message_id", quoted);
    }
    body.put("type", type);
    return body;
  }

  /** Sends a message; a closed 24-hour window is met with the template when one is set. */
  private MessageRef post(ChatRef chat, ObjectNode body) throws PlatformException {
    try {
      return sendNow(chat, body);
    } catch (GraphApiException e) {
      if (e.outsideWindow()) {
        return outsideWindow(chat, e);
      }
      if (e.code() == 131009 && body.has("context")) {
        // The quoted message may be too old to quote; the reply matters more than the quote.
        body.remove("context");
        try {
          return sendNow(chat, body);
        } catch (GraphApiException again) {
          throw failed(again, true);
        }
      }
      throw failed(e, true);
    }
  }

  private MessageRef sendNow(ChatRef chat, ObjectNode body)
      throws GraphApiException, PlatformException {
    try {
      JsonNode answer = api.post(settings.phoneNumberId() + "/messages", body, CALL_DEADLINE);
      String id = answer.path("messages").path(0).path("id").asString("");
      tokenWorks();
      if (id.isEmpty()) {
        throw PlatformException.unknownOutcome("WhatsApp took the message but gave no id", null);
      }
      return new MessageRef(chat, id);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw PlatformException.unknownOutcome("send interrupted while waiting for an answer", e);
    }
  }

  /** The part is not sent again; the template goes in its place once an hour at most. */
  private MessageRef outsideWindow(ChatRef chat, GraphApiException e) throws PlatformException {
    if (!windows.closed(chat.chatId())) {
      throw failed(e, true);
    }
    try {
      return sendNow(chat, templateMessage(chat.chatId()));
    } catch (GraphApiException again) {
      throw failed(again, true);
    }
  }

  ObjectNode templateMessage(String chatId) {
    ObjectNode body = api.object();
    body.put("messaging_product", "whatsapp");
    Recipients.address(body, chatId);
    body.put("type", "template");
    body.putObject("template")
        .put("name", settings.templateName())
        .putObject("language")
        .put("code", settings.templateLanguage());
    return body;
  }

  private void tellOperator(String text) {
    PlatformContext c = context;
    if (c != null) {
      c.tellOperator(text);
    }
  }

  private void countFailure(String messageId, String code, String reason) {
    PlatformContext c = context;
    if (c != null) {
      c.sendFailed(messageId, code, "Meta reported it undelivered: " + reason);
    }
  }

  /** A failed status said the window was closed: the template goes in the background. */
  private void templateLater(String waId) {
    PlatformContext c = context;
    if (c == null) {
      return;
    }
    c.spawn("whatsapp template to " + waId, () -> {
      ChatRef chat = ChatRef.of(NAME, waId);
      try {
        sendNow(chat, templateMessage(waId));
        log.info("whatsapp: sent the template '{}' to {}", settings.templateName(), waId);
      } catch (GraphApiException e) {
        log.warn("whatsapp: could not send the template to {}: {}", waId, e.getMessage());
      } catch (PlatformException e) {
        log.warn("whatsapp: could not send the template to {}: {}", waId, e.getMessage());
      }
    });
  }

  /** A call went through after the token was refused: the platform is connected again. */
  private void tokenWorks() {
    PlatformContext c = context;
    if (tokenRefused && c != null) {
      tokenRefused = false;
      c.reportState(PlatformState.CONNECTED, null);
    }
  }

  /** The failure classified; a refused token also marks the platform failed, with the reason. */
  private PlatformException failed(GraphApiException e, boolean sending) {
    if (e.tokenRefused()) {
      PlatformContext c = context;
      tokenRefused = true;
      if (c != null) {
        c.reportState(
            PlatformState.FAILED,
            "Meta refused the access token (190): " + e.details() + "; set "
                + WhatsAppSettings.ACCESS_TOKEN.where() + " to a valid token");
      }
    }
    return e.classified(sending);
  }

  /** Sends Meta reported failed since the start (for tests and the log). */
  long failedSends() {
    return failures.failedCount();
  }
}
