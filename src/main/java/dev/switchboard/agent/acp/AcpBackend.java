package dev.switchboard.agent.acp;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.ChatMessage;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnOutput;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs turns on an <a href="https://agentclientprotocol.com">Agent Client Protocol</a> agent
 * (Claude Code through claude-code-acp, Gemini CLI, ...): a subprocess speaking JSON-RPC 2.0
 * over stdin/stdout, one JSON message per line.
 *
 * <p><b>One process per conversation, not a pool.</b> ACP agents keep the conversation
 * themselves, in the session, and many hold per-process state (working directory, MCP servers,
 * caches, a login); one process per conversation keeps conversations from seeing each other's
 * files and state, makes a crash cost one conversation, and makes stopping one simple (end the
 * process). The price is a process start (hundreds of ms for a Node agent) on a conversation's
 * first turn and memory per live conversation, so {@code agent.acp.max_processes} bounds the
 * number alive: starting one more stops the least recently used idle one (its conversation
 * gets a fresh process on its next turn). A conversation's process is stopped on /new
 * ({@link #conversationEnded}), at {@link #close}, and when it exits by itself.
 *
 * <p><b>Protocol.</b> {@code initialize} (protocol version 1; client capabilities: no
 * {@code fs}, no {@code terminal}, so the agent uses its own tools), {@code session/new}
 * (the conversation's own directory under {@code agent.acp.cwd_root}, no MCP servers), then
 * one {@code session/prompt} per turn. {@code session/update} notifications stream the reply
 * ({@code agent_message_chunk}) and tool progress ({@code tool_call}, {@code tool_call_update});
 * other kinds are ignored. /stop sends {@code session/cancel} and answers an open permission
 * question "cancelled"; the turn ends when the agent answers with {@code stopReason
 * cancelled}, or after {@link #CANCEL_GRACE} without an answer (then the process is stopped,
 * so its next turn starts clean). {@code session/request_permission} goes to the chat's
 * {@link dev.switchboard.agent.Approver}. Other requests from the agent get -32601.
 *
 * <p><b>History.</b> The agent keeps the conversation in its session, so a turn sends only the
 * new text. A new process (after a gateway restart, a crash or an eviction) has an empty
 * session: its first prompt then carries the gateway's record of the conversation, the most
 * recent {@link #MAX_REPLAYED_HISTORY} characters, as a text block before the new message.
 *
 * <p><b>Attachments.</b> The files the user sent go before the message's text, as the agent's
 * {@code initialize} answer allows: images as image blocks, documents' text as embedded
 * resources, else links to copies in the agent's own directory ({@link AttachmentBlocks},
 * {@link AgentFiles}).
 *
 * <p><b>What the agent can see.</b> Its environment is an allowlist ({@link AgentEnvironment}),
 * never the gateway's, which holds the tokens; its directory is outside the state directory by
 * default; with {@code agent.acp.sandbox} it runs under bubblewrap ({@link Bubblewrap}), which
 * hides the state directory and the user's secret files and gives it a PID namespace of its
 * own. The gateway itself is not dumpable, so its /proc files are closed to an unsandboxed
 * agent of the same user. Neither the environment nor the command's arguments are logged.
 */
public final class AcpBackend implements AgentBackend {
  private static final Logger log = LoggerFactory.getLogger(AcpBackend.class);
  /** How long a cancelled turn waits for the agent's answer: the turn ends within 1 s. */
  static final Duration CANCEL_GRACE = Duration.ofMillis(700);

  static final int MAX_REPLAYED_HISTORY = 32_000;
  private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);

  /**
   * The backend's settings, from {@link AcpBackendFactory}.
   *
   * @param environment the agent's whole environment ({@link AgentEnvironment})
   * @param sandbox the sandbox agents run in; null for none
   */
  record Settings(
      List<String> command,
      Path cwdRoot,
      int maxProcesses,
      Duration startTimeout,
      Map<String, String> environment,
      @Nullable Bubblewrap sandbox) {
    Settings {
      command = List.copyOf(command);
      environment = Map.copyOf(environment);
    }

    /** The environment by its names only: its values include the agent's own API key. */
    @Override
    public String toString() {
      return "Settings[command=" + command + ", cwdRoot=" + cwdRoot + ", maxProcesses="
          + maxProcesses + ", startTimeout=" + startTimeout + ", environment="
          + new TreeSet<>(environment.keySet()) + ", sandbox=" + sandbox + "]";
    }
  }

  private final Settings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, AgentProcess> live = new HashMap<>();
  private long clock;
  private boolean closed;

  public AcpBackend(Settings settings) {
    this.settings = settings;
  }

  @Override
  public String describe() {
    return "acp (" + Path.of(settings.command().getFirst()).getFileName() + ")";
  }

  @Override
  public TurnResult run(TurnRequest request, TurnOutput output, TurnControl control)
      throws AgentException, InterruptedException {
    if (control.cancelled()) {
      return new TurnResult("");
    }
    AgentProcess p = acquire(request.conversationId(), control);
    if (p == null) {
      return new TurnResult("");
    }
    AcpTurn turn = new AcpTurn(output, request.approver());
    boolean handedOff = false;
    try {
      p.setTurn(turn);
      ObjectNode params = JsonNodeFactory.instance.objectNode().put("sessionId", p.sessionId());
      ArrayNode prompt = params.putArray("prompt");
      if (takeFresh(p) && !request.history().isEmpty()) {
        prompt.addObject().put("type", "text").put("text", transcript(request.history()));
      }
      // The files before the words about them, the new message last, as with the history.
      prompt.addAll(AttachmentBlocks.of(request.attachments(), p.promptCapabilities(), p.cwd));
      if (request.attachments().isEmpty() || !request.text().isBlank()) {
        prompt.addObject().put("type", "text").put("text", request.text());
      }
      CompletableFuture<JsonNode> response = p.rpc().request("session/prompt", params);
      CompletableFuture<Void> cancelled = new CompletableFuture<>();
      control.onCancel(() -> {
        turn.cancel();
        p.rpc()
            .notify(
                "session/cancel",
                JsonNodeFactory.instance.objectNode().put("sessionId", p.sessionId()));
        cancelled.complete(null);
      });
      try {
        CompletableFuture.anyOf(response, cancelled).get();
      } catch (InterruptedException e) {
        control.cancel(TurnControl.Reason.SHUTDOWN);
        Thread.currentThread().interrupt();
      } catch (ExecutionException ignored) {
        // looked at below
      }
      if (!response.isDone()) {
        try {
          response.get(CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException | ExecutionException e) {
          if (!response.isDone()) {
            log.info(
                "ACP agent (pid {}) did not end a cancelled turn within {} ms; stopping it",
                p.pid(),
                CANCEL_GRACE.toMillis());
            retire(p);
            handedOff = true;
            Thread.ofVirtual().name("acp-stop-" + p.pid()).start(p::stop);
            if (e instanceof InterruptedException) {
              Thread.currentThread().interrupt();
            }
            return new TurnResult(turn.text());
          }
        }
      }
      JsonNode result;
      try {
        result = response.join();
      } catch (CompletionException e) {
        return failed(p, turn, control, e.getCause());
      }
      return new TurnResult(finish(turn, result.path("stopReason").asString("end_turn")));
    } finally {
      turn.end();
      p.setTurn(null);
      if (!handedOff) {
        release(p);
      }
    }
  }

  /** The conversation's process, started if needed, marked busy; null if cancelled meanwhile. */
  private @Nullable AgentProcess acquire(String conversationId, TurnControl control)
      throws AgentException, InterruptedException {
    AgentProcess evict = null;
    Path cwd;
    lock.lock();
    try {
      if (closed) {
        throw new AgentException(
            "The gateway is stopping; try again in a moment.", "acp backend closed", null);
      }
      AgentProcess p = live.get(conversationId);
      if (p != null && !p.retired && p.alive()) {
        if (p.busy) {
          throw new AgentException(
              "The agent is still busy with this conversation.",
              "acp: a turn is already running for " + conversationId,
              null);
        }
        p.busy = true;
        p.lastUsed = ++clock;
        return p;
      }
      if (p != null) {
        live.remove(conversationId);
      }
      if (live.size() >= settings.maxProcesses()) {
        evict = live.values().stream()
            .filter(q -> !q.busy)
            .min(Comparator.comparingLong(q -> q.lastUsed))
            .orElse(null);
        if (evict == null) {
          throw new AgentException(
              "All " + settings.maxProcesses() + " agent processes are"
                  + " busy; try again when a turn has finished.",
              "acp: agent.acp.max_processes reached, none idle",
              null);
        }
        live.remove(evict.conversationId);
        evict.retired = true;
      }
      cwd = settings.cwdRoot().resolve(safeName(conversationId));
    } finally {
      lock.unlock();
    }
    if (evict != null) {
      log.info(
          "stopping the ACP agent (pid {}) of the least recently used conversation {}"
              + " (agent.acp.max_processes = {})",
          evict.pid(),
          evict.conversationId,
          settings.maxProcesses());
      evict.stop();
    }
    return start(conversationId, cwd, control);
  }

  private @Nullable AgentProcess start(String conversationId, Path cwd, TurnControl control)
      throws AgentException, InterruptedException {
    String program = Path.of(settings.command().getFirst()).getFileName().toString();
    try {
      Files.createDirectories(cwd);
    } catch (IOException e) {
      throw new AgentException(
          "The agent could not be started: its working directory cannot"
              + " be created (see the gateway log).",
          "acp: cannot create " + cwd + ": " + e,
          e);
    }
    long t0 = System.nanoTime();
    AgentProcess p;
    try {
      Bubblewrap sandbox = settings.sandbox();
      List<String> argv =
          sandbox == null ? settings.command() : sandbox.wrap(settings.command(), cwd);
      p = AgentProcess.launch(argv, cwd, settings.environment(), sandbox != null, conversationId);
    } catch (IOException e) {
      throw new AgentException(
          "The agent could not be started: program '" + program
              + "' cannot be run (check agent.acp.command).",
          "acp: cannot start " + program + ": " + e.getMessage(),
          e);
    }
    CompletableFuture<String> opened = p.open();
    CompletableFuture<Void> cancelled = new CompletableFuture<>();
    control.onCancel(() -> cancelled.complete(null));
    try {
      CompletableFuture.anyOf(opened, cancelled)
          .get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      p.stop();
      throw e;
    } catch (TimeoutException e) {
      p.stop();
      throw new AgentException(
          "The agent did not start within " + settings.startTimeout().toSeconds()
              + " s (agent.acp.start_timeout).",
          "acp: " + program + " start timed out",
          null);
    } catch (ExecutionException e) {
      // looked at below
    }
    if (!opened.isDone()) {
      p.stop();
      return null;
    }
    if (opened.isCompletedExceptionally()) {
      Throwable cause = opened.exceptionNow();
      Integer code = cause instanceof JsonRpcConnection.ClosedException
          ? p.awaitExit(Duration.ofSeconds(2))
          : null;
      p.stop();
      String why = code != null
          ? "it exited with code " + code
          : cause instanceof JsonRpcConnection.RpcError r
              ? "it answered: " + clip(r.getMessage())
              : "it did not open a session";
      throw new AgentException(
          "The agent could not be started: " + why + " (see the gateway log).",
          "acp: " + program + " failed to start: " + cause,
          cause);
    }
    log.info(
        "ACP agent {} started (pid {}) for conversation {} in {} ms",
        program,
        p.pid(),
        conversationId,
        (System.nanoTime() - t0) / 1_000_000);
    p.busy = true;
    boolean stopIt = false;
    lock.lock();
    try {
      if (closed) {
        stopIt = true;
      } else {
        AgentProcess other = live.put(conversationId, p);
        if (other != null) {
          other.retired = true;
          Thread.ofVirtual().start(other::stop);
        }
        p.lastUsed = ++clock;
      }
    } finally {
      lock.unlock();
    }
    if (stopIt) {
      p.stop();
      throw new AgentException(
          "The gateway is stopping; try again in a moment.", "acp backend closed", null);
    }
    // Nothing waits for the cleanup: it only drops the process from the live set.
    var _ = p.rpc().closed().thenRun(() -> exitedByItself(p));
    return p;
  }

  private boolean takeFresh(AgentProcess p) {
    lock.lock();
    try {
      boolean fresh = p.fresh;
      p.fresh = false;
      return fresh;
    } finally {
      lock.unlock();
    }
  }

  private void release(AgentProcess p) {
    lock.lock();
    try {
      p.busy = false;
      p.lastUsed = ++clock;
    } finally {
      lock.unlock();
    }
  }

  private void retire(AgentProcess p) {
    lock.lock();
    try {
      p.retired = true;
      live.remove(p.conversationId, p);
    } finally {
      lock.unlock();
    }
  }

  /** An idle process that exits is forgotten and reaped; its next turn starts a new one. */
  private void exitedByItself(AgentProcess p) {
    if (p.retired) {
      return;
    }
    lock.lock();
    try {
      live.remove(p.conversationId, p);
    } finally {
      lock.unlock();
    }
    Thread.ofVirtual().name("acp-reap-" + p.pid()).start(p::stop);
  }

  private TurnResult failed(
      AgentProcess p, AcpTurn turn, TurnControl control, @Nullable Throwable cause)
      throws AgentException, InterruptedException {
    if (cause instanceof JsonRpcConnection.ClosedException) {
      boolean byUs = p.retired;
      retire(p);
      Integer code = p.awaitExit(Duration.ofSeconds(2));
      Thread.ofVirtual().name("acp-reap-" + p.pid()).start(p::stop);
      if (byUs || control.cancelled()) {
        return new TurnResult(turn.text());
      }
      log.warn(
          "ACP agent (pid {}) for conversation {} exited during a turn (code {})",
          p.pid(),
          p.conversationId,
          code);
      throw new AgentException(
          "The agent process exited (code " + (code == null ? "unknown" : code)
              + "). Send your message again to start a new one.",
          "acp: agent pid " + p.pid() + " exited mid-turn with code " + code,
          cause);
    }
    if (cause instanceof JsonRpcConnection.RpcError e) {
      if (control.cancelled()) {
        return new TurnResult(turn.text());
      }
      throw new AgentException(
          "The agent reported an error: " + clip(e.getMessage()),
          "acp: session/prompt failed with " + e.code + ": " + e.getMessage(),
          e);
    }
    throw new AgentException("The agent failed (see the gateway log).", "acp: " + cause, cause);
  }

  /** The reply's text, with a note when the agent stopped for another reason than finishing. */
  private static String finish(AcpTurn turn, String stopReason) {
    String note = switch (stopReason) {
      case "max_tokens" -> "(The agent stopped here: it reached its token limit.)";
      case "max_turn_requests" ->
        "(The agent stopped here: it reached its limit of model requests for one turn.)";
      case "refusal" -> "(The agent declined to continue.)";
      default -> null; // end_turn, cancelled, and reasons of later protocol versions
    };
    if (note != null) {
      turn.appendNote(turn.text().isEmpty() ? note : "\n\n" + note);
    }
    return turn.text();
  }

  private static String transcript(List<ChatMessage> history) {
    List<String> parts = new ArrayList<>();
    int size = 0;
    for (int i = history.size() - 1; i >= 0; i--) {
      ChatMessage m = history.get(i);
      String part = (ChatMessage.USER.equals(m.role()) ? "User: " : "Assistant: ") + m.text();
      if (size + part.length() > MAX_REPLAYED_HISTORY) {
        break;
      }
      parts.addFirst(part);
      size += part.length() + 2;
    }
    return "(Context: the conversation so far, from before the agent process was restarted."
        + " Do not answer it; answer the next message.)\n\n" + String.join("\n\n", parts);
  }

  private static String clip(@Nullable String s) {
    String one = s == null ? "" : s.replaceAll("\\s+", " ").strip();
    return one.length() > 200 ? one.substring(0, 199) + "…" : one;
  }

  /** A directory name for a conversation: readable, safe, and distinct for distinct ids. */
  static String safeName(String conversationId) {
    String readable = conversationId.replaceAll("[^A-Za-z0-9._-]", "_");
    if (readable.length() > 60) {
      readable = readable.substring(0, 60);
    }
    if (readable.startsWith(".")) {
      readable = "_" + readable.substring(1);
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(conversationId.getBytes(StandardCharsets.UTF_8));
      return readable + "-" + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void conversationEnded(String conversationId) {
    AgentProcess p;
    lock.lock();
    try {
      p = live.remove(conversationId);
      if (p != null) {
        p.retired = true;
      }
    } finally {
      lock.unlock();
    }
    if (p != null) {
      Thread.ofVirtual().name("acp-stop-" + p.pid()).start(p::stop);
    }
  }

  @Override
  public void close() {
    List<AgentProcess> all;
    lock.lock();
    try {
      closed = true;
      all = new ArrayList<>(live.values());
      live.clear();
      all.forEach(p -> p.retired = true);
    } finally {
      lock.unlock();
    }
    List<Thread> stoppers = all.stream()
        .map(p -> Thread.ofVirtual().name("acp-stop-" + p.pid()).start(p::stop))
        .toList();
    long deadline = System.nanoTime() + CLOSE_BOUND.toNanos();
    try {
      for (Thread t : stoppers) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !t.join(Duration.ofNanos(left))) {
          log.warn("ACP agents did not all stop within {} s", CLOSE_BOUND.toSeconds());
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Test hook: what the factory made of the configuration. */
  Settings settings() {
    return settings;
  }

  /** Test hook: the live process of a conversation, if any. */
  @Nullable
  ProcessHandle processOf(String conversationId) {
    lock.lock();
    try {
      AgentProcess p = live.get(conversationId);
      return p == null ? null : p.handle();
    } finally {
      lock.unlock();
    }
  }

  /** Test hook: how many processes are alive (or starting). */
  int liveCount() {
    lock.lock();
    try {
      return live.size();
    } finally {
      lock.unlock();
    }
  }
}
