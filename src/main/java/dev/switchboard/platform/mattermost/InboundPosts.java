package dev.switchboard.platform.mattermost;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import java.net.URLConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which posts are for the bot: every post in a direct message ({@code channel_type} {@code D}),
 * and in other channels a post that mentions the bot, or any post in one of the configured
 * channels. Own posts (the server sends the bot its own {@code posted} events too), other
 * bots' and webhooks' posts and system posts ({@code type} not empty: joins, header changes)
 * are not. A channel post is answered in its thread, a new one under the post when it was not
 * in a thread, so a channel conversation stays in one place. Files come as {@code
 * metadata.files}, Mattermost's FileInfo objects; the file id is the reference they are
 * fetched by.
 */
final class InboundPosts {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String DIRECT = "D";

  private final Set<String> channels;
  private final String botUserId;
  private final Pattern mention;

  InboundPosts(Set<String> channels, String botUserId, String botUsername) {
    this.channels = channels;
    this.botUserId = botUserId;
    // A username is letters, digits and . _ -; a mention ends where those end.
    this.mention = Pattern.compile(
        "(?<![\\w.-])@" + Pattern.quote(botUsername) + "(?![\\w-]|\\.[\\w-])",
        Pattern.CASE_INSENSITIVE);
  }

  /**
   * A {@code posted} event's data, whose {@code post} is a JSON string. Its {@code mentions}
   * are not read: the server lists the bot there for {@code @channel}, {@code @all} and {@code
   * @here} too, and the bot would answer every announcement; a mention is its name in the text,
   * as for a post fetched over REST.
   */
  Optional<InboundMessage> fromEvent(JsonNode data, Instant now) {
    return fromEvent(data, post(data), now);
  }

  /** The same, with the event's post already read ({@link #post}). */
  Optional<InboundMessage> fromEvent(JsonNode data, JsonNode post, Instant now) {
    String senderName = data.path("sender_name").asString("");
    return from(
        post,
        data.path("channel_type").asString(""),
        senderName.startsWith("@") ? senderName.substring(1) : senderName,
        now);
  }

  /** A post as REST returns it, from a channel of {@code channelType}. */
  Optional<InboundMessage> fromPost(JsonNode post, String channelType, Instant now) {
    return from(post, channelType, "", now);
  }

  private Optional<InboundMessage> from(
      JsonNode post, String channelType, String senderName, Instant now) {
    String id = post.path("id").asString("");
    String user = post.path("user_id").asString("");
    String channel = post.path("channel_id").asString("");
    JsonNode props = post.path("props");
    if (id.isEmpty()
        || user.isEmpty()
        || channel.isEmpty()
        || user.equals(botUserId)
        || !post.path("type").asString("").isEmpty()
        || post.path("delete_at").asLong(0) != 0
        || isTrue(props.path("from_bot"))
        || isTrue(props.path("from_webhook"))) {
      return Optional.empty();
    }
    String text = post.path("message").asString("");
    boolean direct = channelType.equals(DIRECT);
    boolean named = mention.matcher(text).find();
    if (!direct && !named && !channels.contains(channel)) {
      return Optional.empty();
    }
    String said = mention.matcher(text).replaceAll("").strip();
    List<Attachment> files = files(post.path("metadata").path("files"));
    if (said.isEmpty() && files.isEmpty()) {
      return Optional.empty();
    }
    String root = post.path("root_id").asString("");
    @Nullable String thread = !root.isEmpty() ? root : direct ? null : id;
    return Optional.of(new InboundMessage(
        new ChatRef(MattermostAdapter.PLATFORM, channel, thread),
        id,
        new Sender(user, senderName.isBlank() ? null : senderName),
        said,
        !direct,
        now,
        files));
  }

  /** Mattermost's props are strings as a rule ("true"), booleans from some clients. */
  private static boolean isTrue(JsonNode value) {
    return value.asString("").equalsIgnoreCase("true") || value.asBoolean(false);
  }

  /** A {@code posted} event's post, which the event carries as a JSON string. */
  static JsonNode post(JsonNode data) {
    return embedded(data.path("post"));
  }

  /** A JSON document carried as a string (or, leniently, the node itself). */
  private static JsonNode embedded(JsonNode node) {
    if (!node.isString()) {
      return node;
    }
    try {
      return JSON.readTree(node.asString());
    } catch (JacksonException e) {
      return JSON.missingNode();
    }
  }

  /** FileInfo objects; an entry without a valid id is left out: nothing could fetch it. */
  static List<Attachment> files(JsonNode infos) {
    List<Attachment> found = new ArrayList<>();
    for (JsonNode f : infos) {
      String fileId = f.path("id").asString("");
      if (!MattermostApi.ID.matcher(fileId).matches()) {
        continue;
      }
      String name = f.path("name").asString(null);
      String mime = mimeType(f.path("mime_type").asString(null), name);
      JsonNode size = f.path("size");
      found.add(new Attachment(
          AttachmentKind.ofMimeType(mime.toLowerCase(Locale.ROOT)),
          mime,
          size.isIntegralNumber() ? Math.max(-1, size.asLong(-1)) : -1,
          name == null || name.isBlank() ? null : name,
          fileId));
    }
    return found;
  }

  private static String mimeType(@Nullable String stated, @Nullable String fileName) {
    if (stated != null && !stated.isBlank()) {
      return stated.strip();
    }
    String guessed = fileName == null ? null : URLConnection.guessContentTypeFromName(fileName);
    return guessed == null ? Attachment.UNKNOWN_TYPE : guessed;
  }
}
