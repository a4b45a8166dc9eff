package dev.switchboard.platform.mattermost;

import dev.switchboard.platform.PlatformException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The posts made while the bot was away and the server no longer kept its connection's
 * events: every channel the bot is in whose {@code last_post_at} is newer is asked for its
 * posts since then ({@code GET /channels/{id}/posts?since=}), and they are handed on oldest
 * first. Mattermost returns posts <em>changed</em> since then, edits and thread roots included,
 * so only those created since are taken. A little before the last post is asked for, since
 * posts made in the same moment may arrive out of order; what was taken already is dropped by
 * the journal. No further back than {@link #MAX_AGE}: a gateway that was off for a week does
 * not answer a week of messages.
 */
final class Backfill {
  static final Duration MAX_AGE = Duration.ofHours(24);
  private static final long OVERLAP_MS = 60_000;
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  /** The most posts {@code ?since=} returns. */
  private static final int SINCE_CAP = 1000;

  private static final Logger log = LoggerFactory.getLogger(Backfill.class);

  /** Takes one post of a channel of {@code channelType} (D, O, P, G). */
  interface Sink {
    void take(JsonNode post, String channelType) throws InterruptedException;
  }

  private record Found(JsonNode post, String channelType, long createdAt) {}

  private final MattermostApi api;

  Backfill(MattermostApi api) {
    this.api = api;
  }

  /** Returns the newest {@code create_at} handed on, or 0 when there was none. */
  long fetch(long lastPostAt, long nowMillis, Sink sink)
      throws PlatformException, InterruptedException {
    long since = Math.max(lastPostAt - OVERLAP_MS, nowMillis - MAX_AGE.toMillis());
    List<Found> found = new ArrayList<>();
    for (JsonNode channel : api.call("GET", "/users/me/channels", null, DEADLINE)) {
      String id = channel.path("id").asString("");
      if (!MattermostApi.ID.matcher(id).matches()
          || channel.path("last_post_at").asLong(0) <= since) {
        continue;
      }
      JsonNode list = api.call("GET", "/channels/" + id + "/posts?since=" + since, null, DEADLINE);
      if (list.path("order").size() >= SINCE_CAP) {
        log.warn(
            "mattermost: {} or more posts changed in one channel while disconnected; only the"
                + " newest {} were fetched",
            SINCE_CAP,
            SINCE_CAP);
      }
      for (JsonNode postId : list.path("order")) {
        JsonNode post = list.path("posts").path(postId.asString(""));
        long created = post.path("create_at").asLong(0);
        if (created > since) {
          found.add(new Found(post, channel.path("type").asString(""), created));
        }
      }
    }
    found.sort(Comparator.comparingLong(Found::createdAt));
    long newest = 0;
    for (Found f : found) {
      sink.take(f.post(), f.channelType());
      newest = Math.max(newest, f.createdAt());
    }
    return newest;
  }
}
