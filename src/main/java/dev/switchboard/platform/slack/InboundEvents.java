package dev.switchboard.platform.slack;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Which Events API payloads are for the bot: direct messages ({@code message} with
 * {@code channel_type: im}) and mentions in channels ({@code app_mention}), with the files they
 * carry ({@link InboundFiles}); a message of files alone ({@code subtype: file_share}, often
 * without text) is one too. Bots' messages, edits and other subtypes are not. A mention is
 * answered in its thread (a new one under the mention when it was not in a thread), so a channel
 * conversation stays in one place.
 */
final class InboundEvents {
  private static final String FILE_SHARE = "file_share";

  /** @param botUserId the bot's own id, which is not answered; null when not known */
  Optional<InboundMessage> from(JsonNode payload, @Nullable String botUserId, Instant now) {
    if (!payload.path("type").asString("").equals("event_callback")) {
      return Optional.empty();
    }
    JsonNode e = payload.path("event");
    String type = e.path("type").asString("");
    String user = e.path("user").asString("");
    String channel = e.path("channel").asString("");
    String ts = e.path("ts").asString("");
    if (user.isEmpty()
        || channel.isEmpty()
        || ts.isEmpty()
        || e.has("bot_id")
        || (e.has("subtype") && !e.path("subtype").asString("").equals(FILE_SHARE))
        || user.equals(botUserId)) {
      return Optional.empty();
    }
    String threadTs = e.path("thread_ts").asString(null);
    String text = e.path("text").asString("");
    boolean direct;
    ChatRef chat;
    if (type.equals("message") && e.path("channel_type").asString("").equals("im")) {
      direct = true;
      chat = new ChatRef(SlackAdapter.PLATFORM, channel, threadTs);
    } else if (type.equals("app_mention")) {
      direct = false;
      chat = new ChatRef(SlackAdapter.PLATFORM, channel, threadTs != null ? threadTs : ts);
      if (botUserId != null) {
        text = text.replace("<@" + botUserId + ">", "");
      }
    } else {
      return Optional.empty();
    }
    text = text.strip().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    List<Attachment> files = InboundFiles.from(e.path("files"));
    if (text.isEmpty() && files.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new InboundMessage(chat, ts, new Sender(user, null), text, !direct, now, files));
  }
}
