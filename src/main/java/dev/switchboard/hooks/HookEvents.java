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
import java.util.function.Consumer;
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
    send(EventKind.GATEWAY_STARTED, e -> {
      e.put("version", version);
      e.put("pid", ProcessHandle.current().pid());
      ArrayNode names = e.putArray("platforms");
      platforms.forEach(names::add);
    });
  }

  @Override
  public void gatewayStopping(String kind, String source) {
    send(EventKind.GATEWAY_STOPPING, e -> {
      e.put("kind", kind);
      e.put("source", source);
    });
  }

  @Override
  public void platformState(String platform, String state, @Nullable String error) {
    String previous = platformStates.put(platform, state);
    if (state.equals(previous)) {
      return;
    }
    send(EventKind.PLATFORM_STATE, e -> {
      e.put("platform", platform);
      e.put("state", state);
      e.put("previous", previous);
      e.put("error", error);
    });
  }

  @Override
  public void sessionNew(EventChat chat, int conversation) {
    send(EventKind.SESSION_NEW, chat, e -> e.put("conversation", conversation));
  }

  @Override
  public void turnStarted(EventChat chat, int attempt, String text) {
    send(EventKind.TURN_STARTED, chat, e -> {
      e.put("attempt", attempt);
      if (includeText) {
        e.put("text", text);
      }
    });
  }

  @Override
  public void turnFinished(
      EventChat chat,
      int attempt,
      String outcome,
      Duration took,
      String text,
      @Nullable String reply) {
    send(EventKind.TURN_FINISHED, chat, e -> {
      e.put("attempt", attempt);
      e.put("outcome", outcome);
      e.put("duration_ms", took.toMillis());
      if (includeText) {
        e.put("text", text);
        e.put("reply", reply);
      }
    });
  }

  @Override
  public void commandRun(EventChat chat, String command, String outcome, String arguments) {
    send(EventKind.COMMAND_RUN, chat, e -> {
      e.put("command", command);
      e.put("outcome", outcome);
      if (includeText) {
        e.put("arguments", arguments);
      }
    });
  }

  @Override
  public void jobRun(EventChat chat, long job, String schedule, Instant due, String outcome) {
    send(EventKind.JOB_RUN, chat, e -> {
      e.put("job", job);
      e.put("schedule", schedule);
      e.put("due", due.toString());
      e.put("outcome", outcome);
    });
  }

  /**
   * Builds the event (its kind, its time, then {@code fields}) and queues it, only when a hook
   * wants it: most gateways have none, and the turn's two events are on every message's path.
   */
  private void send(EventKind kind, Consumer<ObjectNode> fields) {
    if (!queue.wanted(kind)) {
      return;
    }
    ObjectNode e = NODES.objectNode();
    e.put("event", kind.label());
    e.put("at", clock.instant().toString());
    fields.accept(e);
    offer(kind, e);
  }

  /** {@link #send(EventKind, Consumer)} for an event about a chat, which it names first. */
  private void send(EventKind kind, EventChat chat, Consumer<ObjectNode> fields) {
    send(kind, e -> {
      e.put("platform", chat.platform());
      e.put("chat", chat.chat());
      e.put("thread", chat.thread());
      e.put("user", chat.user());
      e.put("session", chat.session());
      fields.accept(e);
    });
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
