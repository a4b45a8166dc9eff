package dev.switchboard.platform.discord;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Which MESSAGE_CREATE dispatches are for the bot, and what they say: direct messages always;
 * in guild channels and threads, messages that mention the bot or are in a configured channel.
 * The bot's own messages and other bots' are never answered. A thread is a channel of its own,
 * so a reply goes back into the thread the message came from.
 *
 * <p>A message's files come with it ({@link InboundAttachments}); a file without words is a
 * message too. Stickers become a line of text naming them ("[sticker: wave]"): Discord gives only
 * their id, name and format, the image lives under a CDN path the adapter would have to build,
 * and a Lottie sticker is no image at all, while the name says what the sender meant.
 */
final class InboundMessages {
  private final Set<String> channels;

  InboundMessages(Set<String> channels) {
    this.channels = channels;
  }

  /** @param botUserId null until the gateway's READY names the bot */
  Optional<InboundMessage> from(JsonNode d, @Nullable String botUserId, Instant now) {
    JsonNode author = d.path("author");
    String authorId = author.path("id").asString("");
    if (author.path("bot").asBoolean(false)
        || authorId.isEmpty()
        || authorId.equals(botUserId)
        || d.path("webhook_id").isString()) {
      return Optional.empty();
    }
    String channel = d.path("channel_id").asString("");
    String id = d.path("id").asString("");
    if (channel.isEmpty() || id.isEmpty()) {
      return Optional.empty();
    }
    boolean direct = !d.hasNonNull("guild_id");
    String content = d.path("content").asString("");
    boolean mentioned = botUserId != null
        && (content.contains("<@" + botUserId + ">")
            || content.contains("<@!" + botUserId + ">")
            || mentions(d, botUserId));
    if (!direct && !mentioned && !channels.contains(channel)) {
      return Optional.empty();
    }
    String said = botUserId == null
        ? content.strip()
        : content
            .replace("<@" + botUserId + ">", "")
            .replace("<@!" + botUserId + ">", "")
            .strip();
    String text = withStickers(said, d.path("sticker_items"));
    List<Attachment> files = InboundAttachments.of(d);
    if (text.isEmpty() && files.isEmpty()) {
      return Optional.empty(); // nothing said, or content hidden without the intent
    }
    String name = author.path("global_name").asString(null);
    return Optional.of(new InboundMessage(
        ChatRef.of(DiscordAdapter.PLATFORM, channel),
        id,
        new Sender(authorId, name != null ? name : author.path("username").asString(authorId)),
        text,
        !direct,
        now,
        files));
  }

  private static String withStickers(String text, JsonNode stickers) {
    StringBuilder out = new StringBuilder(text);
    for (JsonNode s : stickers) {
      String name = s.path("name").asString("").strip();
      if (!name.isEmpty()) {
        out.append(out.isEmpty() ? "" : "\n").append("[sticker: ").append(name).append(']');
      }
    }
    return out.toString();
  }

  private static boolean mentions(JsonNode d, String botUserId) {
    for (JsonNode m : d.path("mentions")) {
      if (botUserId.equals(m.path("id").asString(null))) {
        return true;
      }
    }
    return false;
  }
}
