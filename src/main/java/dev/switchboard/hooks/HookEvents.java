package dev.switchboard.hooks;

import dev.switchboard.common.Ticker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway's events as hooks get them: each becomes one line of JSON, {@code {"event":
 * "turn.finished", "at": "2026-01-02T03:04:05.678Z", ...}}, queued for the event's hooks (see
 * {@link HookQueue}). Text users wrote, replies and commands' arguments are left out unless
 * {@code hooks.include_text} is on; secrets are never in an event.
 */
public final class HookEvents implements GatewayEvents {
  private static final Logger log = LoggerFactory.getLogger(HookEvents.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final EventSink queue;
  private final boolean includeText;
  private final Clock clock;
  /** Each platform's last state, so that hooks hear of changes only. */
  private final Map<String, String> platformStates = new ConcurrentHashMap<>();

  HookEvents(EventSink queue, boolean includeText, Clock clock) {
    this.queue = queue;
    this.includeText = includeText;
    this.clock = clock;
  }

  /**
   * Starts running hooks for events from now on and logs which hooks there are now.
   *
   * @param home the state directory: hooks live in its {@code hooks/} and run in it
   * @param environment the gateway's environment, of which hooks get only a few harmless
   *     variables
   */
  public static HookEvents start(
      Path home,
      HookSettings settings,
      Map<String, String> environment,
      HookMetrics metrics,
      Clock clock,
      Ticker ticker) {
    HookDiscovery discovery = new HookDiscovery(home, settings);
    List<String> found = new ArrayList<>();
    for (EventKind kind : EventKind.values()) {
      discovery.find(kind).forEach(h -> found.add(h.name()));
    }
    if (!found.isEmpty()) {
      log.info("hooks: {}", String.join(", ", found));
    }
    return new HookEvents(
        new HookQueue(
            settings, discovery, new HookEnvironment(environment, home), home, metrics, ticker),
        settings.includeText(),
        clock);
  }

  /**
   * Stops: no more events; queued and running hooks get up to {@code grace}, then running ones
   * are killed with their process groups. Returns within {@code grace} and about two seconds.
   */
  public void close(Duration grace) {
    queue.close(grace);
  }

  @Override
  public void gatewayStarted(String version, List<String> platforms) {
    if (!queue.wanted(EventKind.GATEWAY_STARTED)) {
      return;
    }
    ObjectNode e = event(EventKind.GATEWAY_STARTED);
    e.put("version", version);
    e.put("pid", ProcessHandle.current().pid());
    ArrayNode names = e.putArray("platforms");
    platforms.forEach(names::add);
    offer(EventKind.GATEWAY_STARTED, e);
  }

  @Override
  public void gatewayStopping(String kind, String source) {
    if (!queue.wanted(EventKind.GATEWAY_STOPPING)) {
      return;
    }
    ObjectNode e = event(EventKind.GATEWAY_STOPPING);
    e.put("kind", kind);
    e.put("source", source);
    offer(EventKind.GATEWAY_STOPPING, e);
  }

  @Override
  public void platformState(String platform, String state, @Nullable String error) {
    String previous = platformStates.put(platform, state);
    if (state.equals(previous)) {
      return;
    }
    if (!queue.wanted(EventKind.PLATFORM_STATE)) {
      return;
    }
    ObjectNode e = event(EventKind.PLATFORM_STATE);
    e.put("platform", platform);
    e.put("state", state);
    e.put("previous", previous);
    e.put("error", error);
    offer(EventKind.PLATFORM_STATE, e);
  }

  @Override
  public void sessionNew(EventChat chat, int conversation) {
    if (!queue.wanted(EventKind.SESSION_NEW)) {
      return;
    }
    ObjectNode e = event(EventKind.SESSION_NEW, chat);
    e.put("conversation", conversation);
    offer(EventKind.SESSION_NEW, e);
  }

  @Override
  public void turnStarted(EventChat chat, int attempt, String text) {
    if (!queue.wanted(EventKind.TURN_STARTED)) {
      return;
    }
    ObjectNode e = event(EventKind.TURN_STARTED, chat);
    e.put("attempt", attempt);
    if (includeText) {
      e.put("text", text);
    }
    offer(EventKind.TURN_STARTED, e);
  }

  @Override
  public void turnFinished(
      EventChat chat,
      int attempt,
      String outcome,
      Duration took,
      String text,
      @Nullable String reply) {
    if (!queue.wanted(EventKind.TURN_FINISHED)) {
      return;
    }
    ObjectNode e = event(EventKind.TURN_FINISHED, chat);
    e.put("attempt", attempt);
    e.put("outcome", outcome);
    e.put("duration_ms", took.toMillis());
    if (includeText) {
      e.put("text", text);
      e.put("reply", reply);
    }
    offer(EventKind.TURN_FINISHED, e);
  }

  @Override
  public void commandRun(EventChat chat, String command, String outcome, String arguments) {
    if (!queue.wanted(EventKind.COMMAND_RUN)) {
      return;
    }
    ObjectNode e = event(EventKind.COMMAND_RUN, chat);
    e.put("command", command);
    e.put("outcome", outcome);
    if (includeText) {
      e.put("arguments", arguments);
    }
    offer(EventKind.COMMAND_RUN, e);
  }

  @Override
  public void jobRun(EventChat chat, long job, String schedule, Instant due, String outcome) {
    if (!queue.wanted(EventKind.JOB_RUN)) {
      return;
    }
    ObjectNode e = event(EventKind.JOB_RUN, chat);
    e.put("job", job);
    e.put("schedule", schedule);
    e.put("due", due.toString());
    e.put("outcome", outcome);
    offer(EventKind.JOB_RUN, e);
  }

  private ObjectNode event(EventKind kind) {
    ObjectNode e = NODES.objectNode();
    e.put("event", kind.label());
    e.put("at", clock.instant().toString());
    return e;
  }

  private ObjectNode event(EventKind kind, EventChat chat) {
    ObjectNode e = event(kind);
    e.put("platform", chat.platform());
    e.put("chat", chat.chat());
    e.put("thread", chat.thread());
    e.put("user", chat.user());
    e.put("session", chat.session());
    return e;
  }

  /** Never throws: whatever goes wrong here must not reach the turn or the loop that called. */
  private void offer(EventKind kind, ObjectNode event) {
    try {
      queue.offer(new EventSink.Pending(kind, event.toString() + "\n"));
    } catch (RuntimeException e) {
      log.warn("could not queue the {} event for hooks: {}", kind.label(), e.toString());
    }
  }
}
