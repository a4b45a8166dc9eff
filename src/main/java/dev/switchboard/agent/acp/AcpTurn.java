package dev.switchboard.agent.acp;

import dev.switchboard.agent.Approver;
import dev.switchboard.agent.TurnOutput;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one prompt turn collects from {@code session/update} notifications (text, tool calls)
 * and how it answers the agent's permission requests.
 */
final class AcpTurn {
  private static final Logger log = LoggerFactory.getLogger(AcpTurn.class);
  private static final int MAX_TOOL_LINE = 200;
  private static final int MAX_DETAIL = 500;

  private record ToolState(
      String title, @Nullable String where, @Nullable String status) {}

  private final TurnOutput output;
  private final Approver approver;
  private final ReentrantLock lock = new ReentrantLock();
  private final StringBuilder text = new StringBuilder();
  private final Map<String, ToolState> tools = new HashMap<>();
  private final Set<Thread> asking = new HashSet<>();
  private boolean ended;
  private boolean cancelled;

  AcpTurn(TurnOutput output, Approver approver) {
    this.output = output;
    this.approver = approver;
  }

  String text() {
    lock.lock();
    try {
      return text.toString();
    } finally {
      lock.unlock();
    }
  }

  /** Appends text the backend adds itself (a note on why the agent stopped). */
  void appendNote(String note) {
    append(note);
  }

  /** Later updates are dropped. */
  void end() {
    lock.lock();
    try {
      ended = true;
    } finally {
      lock.unlock();
    }
  }

  /** The turn was cancelled: a permission question still open is answered "cancelled". */
  void cancel() {
    lock.lock();
    try {
      cancelled = true;
      asking.forEach(Thread::interrupt);
    } finally {
      lock.unlock();
    }
  }

  void onUpdate(JsonNode update) {
    String kind = update.path("sessionUpdate").asString("");
    switch (kind) {
      case "agent_message_chunk" -> {
        JsonNode content = update.path("content");
        if ("text".equals(content.path("type").asString(""))) {
          append(content.path("text").asString(""));
        } else {
          OutputBlocks.markdown(content).ifPresent(this::append);
        }
      }
      case "tool_call", "tool_call_update" -> tool(update, kind.equals("tool_call"));
      default -> log.trace("session/update {} ignored", kind);
    }
  }

  private void append(String delta) {
    if (delta.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      if (ended) {
        return;
      }
      text.append(delta);
    } finally {
      lock.unlock();
    }
    output.append(delta);
  }

  private void tool(JsonNode update, boolean isNew) {
    String id = update.path("toolCallId").asString("");
    String line;
    lock.lock();
    try {
      if (ended) {
        return;
      }
      ToolState before = isNew ? null : tools.get(id);
      String title =
          before == null ? text(update.get("title")) : textOr(update.get("title"), before.title());
      if (title == null) {
        title = textOr(update.get("kind"), "tool");
      }
      String where = location(update);
      if (where == null && before != null) {
        where = before.where();
      }
      String status = text(update.get("status"));
      if (status == null) {
        status = before == null ? (isNew ? "pending" : null) : before.status();
      }
      ToolState now = new ToolState(title, where, status);
      tools.put(id, now);
      if (now.equals(before)) {
        return;
      }
      line = toolLine(now);
    } finally {
      lock.unlock();
    }
    output.toolProgress(line);
  }

  private static String toolLine(ToolState t) {
    StringBuilder b = new StringBuilder("🔧 ").append(oneLine(t.title()));
    if (t.where() != null && !t.title().contains(t.where())) {
      b.append(' ').append(t.where());
    }
    if (t.status() != null) {
      b.append(" (").append(t.status().replace('_', ' ')).append(')');
    }
    return b.length() > MAX_TOOL_LINE ? b.substring(0, MAX_TOOL_LINE - 1) + "…" : b.toString();
  }

  private static @Nullable String location(JsonNode toolCall) {
    JsonNode first = toolCall.path("locations").path(0);
    String path = text(first.get("path"));
    if (path == null) {
      return null;
    }
    // As written: asInt() would throw for a line number beyond int, and lose the update.
    return first.path("line").isIntegralNumber()
        ? path + ":" + first.path("line").asString()
        : path;
  }

  private static String textOr(@Nullable JsonNode node, String fallback) {
    String text = text(node);
    return text != null ? text : fallback;
  }

  private static @Nullable String text(@Nullable JsonNode node) {
    return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s+", " ").strip();
  }

  /** Asks the chat on this (the request's own) thread, then picks the matching option. */
  JsonNode askPermission(JsonNode params) {
    JsonNode toolCall = params.path("toolCall");
    String title = oneLine(
        Objects.requireNonNullElse(text(toolCall.get("title")), "The agent asks for permission"));
    Approver.Decision decision;
    lock.lock();
    try {
      if (cancelled || ended) {
        return permissionOutcome(Approver.Decision.CANCELLED, params.path("options"));
      }
      asking.add(Thread.currentThread());
    } finally {
      lock.unlock();
    }
    try {
      decision = approver.ask(title, details(toolCall, params.path("options")));
    } catch (InterruptedException e) {
      decision = Approver.Decision.CANCELLED;
    } finally {
      lock.lock();
      try {
        asking.remove(Thread.currentThread());
      } finally {
        lock.unlock();
      }
      Thread.interrupted();
    }
    return permissionOutcome(
        decision == null ? Approver.Decision.DENIED : decision, params.path("options"));
  }

  private static String details(JsonNode toolCall, JsonNode options) {
    StringBuilder b = new StringBuilder();
    String kind = text(toolCall.get("kind"));
    if (kind != null) {
      b.append("Kind: ").append(kind).append('\n');
    }
    for (JsonNode loc : toolCall.path("locations")) {
      String path = text(loc.get("path"));
      if (path != null) {
        b.append("File: ").append(path).append('\n');
      }
    }
    JsonNode raw = toolCall.get("rawInput");
    if (raw != null && !raw.isNull() && !raw.isMissingNode()) {
      String s = raw.toString();
      b.append("Input: ")
          .append(s.length() > MAX_DETAIL ? s.substring(0, MAX_DETAIL) + "…" : s)
          .append('\n');
    }
    if (option(options, "allow_once", "") == null && option(options, "allow_always", "") != null) {
      // an approval grants more than this one action: the person must know before answering
      b.append("Approving allows this from now on: the agent offers no one-time permission.\n");
    }
    return b.toString().strip();
  }

  /**
   * The answer to {@code session/request_permission}: an approval picks the agent's
   * {@code allow_once} option, or {@code allow_always} when it offers no one-time option; any
   * other decision picks {@code reject_once} (else {@code reject_always}); a cancelled turn,
   * or no option of the needed kind, answers {@code cancelled}, which the agent must take as
   * "do not do it".
   */
  static ObjectNode permissionOutcome(Approver.Decision decision, JsonNode options) {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    ObjectNode outcome = result.putObject("outcome");
    String chosen = switch (decision) {
      case APPROVED -> option(options, "allow_once", "allow_always");
      case DENIED, TIMED_OUT -> option(options, "reject_once", "reject_always");
      case CANCELLED -> null;
    };
    if (chosen == null) {
      outcome.put("outcome", "cancelled");
    } else {
      outcome.put("outcome", "selected").put("optionId", chosen);
    }
    return result;
  }

  private static @Nullable String option(JsonNode options, String preferred, String fallback) {
    String second = null;
    for (JsonNode o : options) {
      String kind = o.path("kind").asString("");
      if (kind.equals(preferred)) {
        return o.path("optionId").asString(null);
      }
      if (kind.equals(fallback) && second == null) {
        second = o.path("optionId").asString(null);
      }
    }
    return second;
  }
}
