package dev.switchboard.platform.telegram;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Ticker;
import dev.switchboard.http.TrustedProxies;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.CommandInfo;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.ReconnectingLoop;
import dev.switchboard.text.HtmlText;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Telegram over the Bot API. Replies are rendered to Telegram HTML and split at 4096 visible
 * characters ({@link TelegramHtml}); if Telegram rejects the markup anyway, the same text
 * goes out plain. Failures are classified for the delivery layer: 429 is rate-limited with
 * Telegram's retry_after, 5xx and refused connections are transient, any other 400 to a send is
 * a refusal of that message (the delivery layer sends it smaller), and a send whose answer
 * never came has an unknown outcome (it is never resent); edits are idempotent, so theirs are
 * transient. Files go both ways through {@link TelegramFiles}.
 */
final class TelegramAdapter implements PlatformAdapter {
  private static final Logger log = LoggerFactory.getLogger(TelegramAdapter.class);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  private final TelegramSettings settings;
  private final TrustedProxies proxies;
  private final TelegramApi api;
  private final TelegramFiles files;
  private volatile @Nullable ReconnectingLoop poll;
  private volatile @Nullable WebhookReceiver webhook;

  TelegramAdapter(TelegramSettings settings) {
    this(settings, TrustedProxies.none());
  }

  /** @param proxies the reverse proxies in front of the webhook listener (http.trusted_proxies) */
  TelegramAdapter(TelegramSettings settings, TrustedProxies proxies) {
    this.settings = settings;
    this.proxies = proxies;
    this.api = new TelegramApi(settings.apiBaseUrl(), settings.token());
    this.files = new TelegramFiles(api);
  }

  @Override
  public String name() {
    return "telegram";
  }

  @Override
  public PlatformLimits limits() {
    return new PlatformLimits(
        TelegramHtml.MAX_MESSAGE,
        true,
        settings.editInterval(),
        settings.chatMessagesPerMinute() / 60.0,
        3,
        settings.globalMessagesPerSecond());
  }

  @Override
  public void connect(InboundHandler inbound, PlatformContext context) throws Exception {
    context.claimCredential(settings.token());
    BotIdentity bot = getMe();
    log.info(
        "telegram: connected as @{} (id {}), {} mode",
        bot.username(),
        bot.id(),
        settings.mode().name().toLowerCase(Locale.ROOT));
    setCommands(context.commands());
    UpdateParser parser = new UpdateParser(bot, settings.groupTrigger());
    if (settings.mode() == TelegramSettings.Mode.WEBHOOK) {
      Heartbeat beat = context.heartbeat("webhook", Duration.ofDays(3650)); // no loop to watch
      webhook = new WebhookReceiver(settings, proxies, parser, inbound, beat, Ticker.system());
      webhook.start();
      ObjectNode params = api.params();
      // TelegramSettings.from requires it in webhook mode.
      params.put(
          "url", Objects.requireNonNull(settings.webhookUrl(), "webhookUrl").toString());
      params.put("secret_token", settings.webhookSecret());
      params.putArray("allowed_updates").add("message");
      call("setWebhook", params);
      return;
    }
    ObjectNode delete = api.params();
    delete.put("drop_pending_updates", false);
    call("deleteWebhook", delete); // polling fails with 409 while a webhook is set
    // Connected means "a poll succeeded", not "getMe worked": the poll loop says so.
    LongPoller poller = new LongPoller(
        api, parser, inbound, context, settings.pollTimeout(), ThreadLocalRandom.current());
    poll = context.keepConnected(
        "poll",
        settings.pollTimeout().plus(LongPoller.MAX_BACKOFF).plusSeconds(30),
        context.reconnectBackoff(LongPoller.FAILURE_BACKOFF),
        poller,
        "waiting for the first getUpdates");
  }

  private BotIdentity getMe() throws PlatformException, InterruptedException {
    JsonNode me = call("getMe", api.params());
    return new BotIdentity(me.path("id").asLong(), me.path("username").asString());
  }

  private void setCommands(List<CommandInfo> commands) throws InterruptedException {
    ObjectNode params = api.params();
    ArrayNode list = params.putArray("commands");
    for (CommandInfo c : commands) {
      list.addObject().put("command", c.name()).put("description", c.description());
    }
    try {
      call("setMyCommands", params);
    } catch (PlatformException e) {
      log.warn("telegram: could not set the command menu: {}", e.getMessage());
    }
  }

  @Override
  public void disconnect() throws Exception {
    ReconnectingLoop p = poll;
    poll = null;
    if (p != null) {
      p.stop();
    }
    WebhookReceiver w = webhook;
    webhook = null;
    if (w != null) {
      w.close(); // the webhook stays set: Telegram keeps updates until we are back
    }
  }

  @Override
  public void close() {
    api.close();
  }

  @Override
  public MessageRef send(ChatRef chat, String html) throws PlatformException {
    ObjectNode params = target(chat);
    params.put("text", html);
    params.put("parse_mode", "HTML");
    params.putObject("link_preview_options").put("is_disabled", true);
    try {
      return ref(chat, callSending(params));
    } catch (PlatformException e) {
      if (!isEntityError(e)) {
        throw e;
      }
      log.warn(
          "telegram: {} rejected the formatting ({}); sending plain text", chat, e.getMessage());
      return sendPlain(chat, html);
    }
  }

  /** The visible text of {@code html}, with no parse mode: nothing in it can be refused as markup. */
  @Override
  public MessageRef sendPlain(ChatRef chat, String html) throws PlatformException {
    ObjectNode plain = target(chat);
    plain.put("text", HtmlText.visible(html));
    plain.putObject("link_preview_options").put("is_disabled", true);
    return ref(chat, callSending(plain));
  }

  @Override
  public void edit(MessageRef message, String html) throws PlatformException {
    ObjectNode params = target(message.chat());
    params.remove("message_thread_id");
    params.put("message_id", Long.parseLong(message.messageId()));
    params.put("text", html);
    params.put("parse_mode", "HTML");
    params.putObject("link_preview_options").put("is_disabled", true);
    try {
      callIdempotent("editMessageText", params);
    } catch (PlatformException e) {
      if (e.getMessage() != null && e.getMessage().contains("message is not modified")) {
        return; // the text is already what we want
      }
      if (!isEntityError(e)) {
        throw e;
      }
      params.put("text", HtmlText.visible(html));
      params.remove("parse_mode");
      callIdempotent("editMessageText", params);
    }
  }

  @Override
  public FileLimits fileLimits() {
    return TelegramFiles.LIMITS;
  }

  @Override
  public InputStream download(Attachment attachment) throws PlatformException {
    return files.download(attachment);
  }

  @Override
  public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    return files.send(chat, target(chat), file);
  }

  @Override
  public void typing(ChatRef chat) throws PlatformException {
    ObjectNode params = target(chat);
    params.put("action", "typing");
    callIdempotent("sendChatAction", params);
  }

  @Override
  public List<String> render(String markdown) {
    List<String> parts = TelegramHtml.REPLIES.messages(markdown);
    // Telegram refuses an empty message; a blank reply still says that nothing came.
    return parts.isEmpty() ? List.of("\u2026") : parts;
  }

  private ObjectNode target(ChatRef chat) {
    ObjectNode params = api.params();
    try {
      params.put("chat_id", Long.parseLong(chat.chatId()));
    } catch (NumberFormatException e) {
      params.put("chat_id", chat.chatId()); // @channelusername
    }
    if (chat.threadId() != null) {
      params.put("message_thread_id", Long.parseLong(chat.threadId()));
    }
    return params;
  }

  private static MessageRef ref(ChatRef chat, JsonNode message) {
    return new MessageRef(chat, message.path("message_id").asString());
  }

  private static boolean isEntityError(PlatformException e) {
    return e.getMessage() != null && e.getMessage().contains("can't parse entities");
  }

  /** A call without side effects to fear: any failure to get an answer is transient. */
  private JsonNode call(String method, ObjectNode params)
      throws PlatformException, InterruptedException {
    try {
      return api.call(method, params, CALL_DEADLINE);
    } catch (TelegramApiException e) {
      throw e.classified(false);
    }
  }

  private JsonNode callIdempotent(String method, ObjectNode params) throws PlatformException {
    try {
      return call(method, params);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException(
          method + " interrupted", PlatformException.Kind.TRANSIENT, null, e);
    }
  }

  /** sendMessage is not idempotent: without an answer, it may have been delivered. */
  private JsonNode callSending(ObjectNode params) throws PlatformException {
    try {
      return api.call("sendMessage", params, CALL_DEADLINE);
    } catch (TelegramApiException e) {
      throw e.classified(true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw PlatformException.unknownOutcome(
          "sendMessage interrupted while waiting for an" + " answer", e);
    }
  }
}
