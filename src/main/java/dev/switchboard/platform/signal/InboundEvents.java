package dev.switchboard.platform.signal;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns the data of one {@code receive} event from signal-cli ({@code {"account":…,
 * "envelope":{…}}}, the JSON of its MessageEnvelope) into a message, or nothing for what is not
 * one: typing, receipts, sync messages from our other devices, calls, stories, edits, reactions,
 * deletions, group updates, and anything for another account (an event that names none is for
 * the daemon's only account). Never throws on odd input.
 *
 * <p>A direct chat is the sender ({@link #authorOf}: the ACI UUID, which stays when a number
 * changes or is hidden, else the number); a group chat is {@code group.} and the base64 group
 * id, which has no colon. The message id is {@code <author>:<timestamp>}: the timestamp is the
 * message's id in Signal (quotes and reactions name a message by author and timestamp), so a
 * redelivery has the same id and the journal drops it.
 */
final class InboundEvents {
  private static final Logger log = LoggerFactory.getLogger(InboundEvents.class);
  static final String GROUP_PREFIX = "group.";
  /** signal-cli folds a long text's attachment into the message; never a file of its own. */
  private static final String LONG_TEXT = "text/x-signal-plain";

  /** A message and what is needed to answer it on Signal. */
  record Received(
      InboundMessage message,
      String author,
      long timestamp,
      @Nullable String groupId) {}

  private final String platform;
  private final String account;
  /** Numbers and UUIDs the settings name: a sender named by either is given that id. */
  private final Set<String> known;

  private volatile @Nullable String otherAccountSeen;

  InboundEvents(String platform, String account, Set<String> known) {
    this.platform = platform;
    this.account = account;
    this.known = Set.copyOf(known);
  }

  Optional<Received> from(String data, Instant now) {
    JsonNode event;
    try {
      event = SignalRpc.JSON.readTree(data);
    } catch (JacksonException e) {
      log.warn("signal: an event that is not JSON was skipped ({} characters)", data.length());
      return Optional.empty();
    }
    try {
      return parse(event, now);
    } catch (RuntimeException e) {
      log.warn("signal: an event that could not be read was skipped: {}", e.toString());
      return Optional.empty();
    }
  }

  private Optional<Received> parse(JsonNode raw, Instant now) {
    JsonNode event = unwrapped(raw);
    // signal-cli names the account in every event; one without a name is the daemon's only one.
    String forAccount = event.path("account").asString(account);
    if (!account.equals(forAccount)) {
      if (!forAccount.equals(otherAccountSeen)) {
        otherAccountSeen = forAccount;
        log.warn(
            "signal: skipping events for account '{}'; the gateway is configured for another one",
            forAccount);
      }
      return Optional.empty();
    }
    if (event.has("exception")) {
      log.debug(
          "signal-cli could not read a message: {}",
          event.path("exception").path("type").asString(""));
    }
    JsonNode envelope = event.path("envelope");
    JsonNode data = envelope.path("dataMessage");
    if (!data.isObject()) {
      return Optional.empty(); // typing, receipt, sync, call, story, edit: not for the agent
    }
    String author = authorOf(envelope);
    if (author == null
        || author.equals(account)
        || account.equals(envelope.path("sourceNumber").asString(""))) {
      return Optional.empty();
    }
    if (data.has("reaction") || data.has("remoteDelete") || data.has("sticker")) {
      return Optional.empty();
    }
    JsonNode groupInfo = data.path("groupInfo");
    String groupId = groupInfo.path("groupId").asString("");
    if (groupInfo.isObject()
        && (!usable(groupId) || "UPDATE".equals(groupInfo.path("type").asString("")))) {
      return Optional.empty();
    }
    long timestamp = data.path("timestamp").asLong(0);
    if (timestamp <= 0) {
      timestamp = envelope.path("timestamp").asLong(0);
    }
    if (timestamp <= 0) {
      return Optional.empty();
    }
    String text = withMentions(data.path("message").asString(""), data.path("mentions"));
    boolean group = !groupId.isEmpty();
    String chatId = group ? GROUP_PREFIX + groupId : author;
    List<Attachment> files = attachments(data.path("attachments"), chatId);
    if (text.isBlank() && files.isEmpty()) {
      return Optional.empty();
    }
    String name = envelope.path("sourceName").asString("");
    InboundMessage message = new InboundMessage(
        ChatRef.of(platform, chatId),
        author + ":" + timestamp,
        new Sender(userIdOf(envelope, author), name.isBlank() ? null : name),
        text,
        group,
        now,
        files);
    return Optional.of(new Received(message, author, timestamp, group ? groupId : null));
  }

  /**
   * The event itself: what the HTTP daemon sends is {@code {"account","envelope"}}; the same in
   * the JSON-RPC notification form of its socket and stdin interfaces ({@code {"method":
   * "receive","params":{…}}}, or {@code params.result} with a subscription) is read as well.
   */
  private static JsonNode unwrapped(JsonNode raw) {
    if (!raw.has("envelope") && "receive".equals(raw.path("method").asString(""))) {
      JsonNode params = raw.path("params");
      return params.has("result") ? params.path("result") : params;
    }
    return raw;
  }

  /**
   * The text with each mention written out: Signal puts U+FFFC where a member is mentioned and
   * names them in {@code mentions} ({@code start}, {@code length} in UTF-16 code units).
   */
  static String withMentions(String text, JsonNode mentions) {
    List<JsonNode> sorted = new ArrayList<>();
    mentions.forEach(sorted::add);
    sorted.sort(
        (a, b) -> Integer.compare(b.path("start").asInt(-1), a.path("start").asInt(-1)));
    StringBuilder out = new StringBuilder(text);
    int before = text.length() + 1; // mentions must not overlap; an odd one is left out
    for (JsonNode m : sorted) {
      int start = m.path("start").asInt(-1);
      int end = start + m.path("length").asInt(-1);
      String who = m.path("number").asString("");
      if (who.isBlank()) {
        who = m.path("uuid").asString("");
      }
      if (start < 0 || end <= start || end > before || who.isBlank()) {
        continue;
      }
      out.replace(start, end, "@" + who);
      before = start;
    }
    return out.toString();
  }

  /**
   * The sender's ACI UUID, else number, else null (a sealed sender signal-cli could not open).
   * An identifier with a colon (a "PNI:" service id) is passed over for the number: a chat id
   * must not hold one, since it separates the parts of a chat's key ("signal:chat:thread").
   */
  static @Nullable String authorOf(JsonNode envelope) {
    String uuid = envelope.path("sourceUuid").asString("");
    if (usable(uuid)) {
      return uuid.toLowerCase(Locale.ROOT);
    }
    String number = envelope.path("sourceNumber").asString("");
    if (usable(number)) {
      return number;
    }
    String legacy = envelope.path("source").asString("");
    return usable(legacy) ? legacy : null;
  }

  private static boolean usable(String id) {
    return !id.isBlank() && id.indexOf(':') < 0;
  }

  /**
   * The id the gateway knows the sender by: the number when the settings name the number, else
   * the UUID, so an allowlist may hold either.
   */
  private String userIdOf(JsonNode envelope, String author) {
    String number = envelope.path("sourceNumber").asString("");
    if (!number.isBlank() && known.contains(number)) {
      return number;
    }
    return author;
  }

  private static List<Attachment> attachments(JsonNode list, String chatId) {
    List<Attachment> out = new ArrayList<>();
    for (JsonNode a : list) {
      String id = a.path("id").asString("");
      String type = a.path("contentType").asString("").toLowerCase(Locale.ROOT).strip();
      if (id.isBlank() || id.contains("/") || LONG_TEXT.equals(type)) {
        continue; // not downloaded (--ignore-attachments) or not a file of its own
      }
      if (type.isEmpty()) {
        type = Attachment.UNKNOWN_TYPE;
      }
      String fileName = a.path("filename").asString("");
      out.add(new Attachment(
          AttachmentKind.ofMimeType(type),
          type,
          a.path("size").asLong(-1),
          fileName.isBlank() ? null : fileName,
          AttachmentRef.of(chatId, id)));
    }
    return out;
  }
}
