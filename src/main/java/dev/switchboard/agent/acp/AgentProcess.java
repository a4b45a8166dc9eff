package dev.switchboard.agent.acp;

import dev.switchboard.agent.Approver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One agent subprocess holding one ACP session: its JSON-RPC connection, the turn it is
 * running (if any), and how to stop it and everything it started.
 */
final class AgentProcess implements JsonRpcConnection.Handler {
  private static final Logger log = LoggerFactory.getLogger(AgentProcess.class);
  static final int PROTOCOL_VERSION = 1;

  final String conversationId;
  final Path cwd;
  private final Process process;
  private final JsonRpcConnection rpc;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile @Nullable String sessionId;
  private volatile @Nullable AcpTurn turn;
  private volatile PromptCapabilities promptCapabilities = PromptCapabilities.BASELINE;

  // Guarded by the backend's lock.
  boolean busy;
  long lastUsed;
  /** No prompt has been sent to its session yet. */
  boolean fresh = true;
  /** Retired by the backend (conversation ended, evicted, closed): not an agent crash. */
  volatile boolean retired;

  /** The process is bubblewrap and the agent its descendant (see {@link #stop}). */
  private final boolean sandboxed;

  private AgentProcess(String conversationId, Path cwd, Process process, boolean sandboxed) {
    this.conversationId = conversationId;
    this.cwd = cwd;
    this.process = process;
    this.sandboxed = sandboxed;
    this.rpc = new JsonRpcConnection(
        process.getInputStream(), process.getOutputStream(), this, String.valueOf(process.pid()));
  }

  /**
   * Starts the process and its readers; the session is opened by {@link #open}.
   *
   * @param environment the process's whole environment: nothing of the gateway's is inherited
   * @param sandboxed {@code command} runs the agent under bubblewrap
   */
  static AgentProcess launch(
      List<String> command,
      Path cwd,
      Map<String, String> environment,
      boolean sandboxed,
      String conversationId)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.environment().clear();
    pb.environment().putAll(environment);
    AgentProcess p = new AgentProcess(conversationId, cwd, pb.start(), sandboxed);
    p.rpc.start();
    Thread.ofVirtual().name("acp-stderr-" + p.pid()).start(p::drainStderr);
    return p;
  }

  long pid() {
    return process.pid();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  JsonRpcConnection rpc() {
    return rpc;
  }

  @Nullable
  String sessionId() {
    return sessionId;
  }

  /** {@code initialize} then {@code session/new}; the future fails as a request does. */
  CompletableFuture<String> open() {
    ObjectNode init =
        JsonNodeFactory.instance.objectNode().put("protocolVersion", PROTOCOL_VERSION);
    ObjectNode caps = init.putObject("clientCapabilities");
    caps.putObject("fs").put("readTextFile", false).put("writeTextFile", false);
    caps.put("terminal", false);
    init.putObject("clientInfo")
        .put("name", "switchboard")
        .put("version", String.valueOf(AgentProcess.class.getPackage().getImplementationVersion()));
    return rpc.request("initialize", init)
        .thenCompose(r -> {
          promptCapabilities = PromptCapabilities.of(r);
          int version = r.path("protocolVersion").asInt(-1);
          if (version != PROTOCOL_VERSION) {
            log.warn(
                "ACP agent (pid {}) speaks protocol version {}; Switchboard speaks {}",
                pid(),
                version,
                PROTOCOL_VERSION);
          }
          ObjectNode params = JsonNodeFactory.instance.objectNode().put("cwd", cwd.toString());
          params.putArray("mcpServers");
          return rpc.request("session/new", params);
        })
        .thenApply(r -> {
          String id = r.path("sessionId").asString(null);
          if (id == null || id.isEmpty()) {
            throw new IllegalStateException("session/new answered without a sessionId");
          }
          sessionId = id;
          return id;
        });
  }

  /** What the agent takes in a prompt besides text and resource links; known once open. */
  PromptCapabilities promptCapabilities() {
    return promptCapabilities;
  }

  void setTurn(@Nullable AcpTurn t) {
    turn = t;
  }

  /** The process's exit code if it exits within {@code wait}. */
  @Nullable
  Integer awaitExit(Duration wait) throws InterruptedException {
    return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  boolean alive() {
    return process.isAlive() && !rpc.closed().isDone();
  }

  @Override
  public void onNotification(String method, JsonNode params) {
    if (!"session/update".equals(method)) {
      log.debug("ACP agent (pid {}) sent notification {}; ignored", pid(), method);
      return;
    }
    AcpTurn t = turn;
    if (t != null && params.path("sessionId").asString("").equals(sessionId)) {
      t.onUpdate(params.path("update"));
    }
  }

  @Override
  public JsonNode onRequest(String method, JsonNode params) throws JsonRpcConnection.RpcError {
    if (!"session/request_permission".equals(method)) {
      // We advertise no fs or terminal capability, so these are all unexpected.
      throw new JsonRpcConnection.RpcError(
          JsonRpcConnection.METHOD_NOT_FOUND, "Method not found: " + method);
    }
    AcpTurn t = turn;
    if (t == null || !params.path("sessionId").asString("").equals(sessionId)) {
      return AcpTurn.permissionOutcome(Approver.Decision.DENIED, params.path("options"));
    }
    return t.askPermission(params);
  }

  private void drainStderr() {
    try (BufferedReader err = new BufferedReader(
        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = err.readLine()) != null) {
        if (log.isDebugEnabled()) {
          log.debug(
              "ACP agent (pid {}) stderr: {}",
              pid(),
              line.length() > 2000 ? line.substring(0, 2000) + "..." : line);
        }
      }
    } catch (IOException e) {
      log.trace("stderr of ACP agent (pid {}) closed: {}", pid(), e.getMessage());
    }
  }

  /**
   * Stops the process and its descendants: close its stdin (an ACP agent exits on end of
   * input), then SIGTERM, then SIGKILL; about three seconds at most. Idempotent; a second
   * caller waits for the first (bounded by the same time).
   *
   * <p>A sandboxed agent is signalled itself, not bubblewrap, which forwards no signal: killed
   * first, bubblewrap would leave the sandbox's init orphaned (and a zombie where PID 1 reaps
   * slowly). Once the agent is gone the sandbox's init exits and bubblewrap with it; SIGKILL to
   * that init, when it comes to that, ends everything in the sandbox at once.
   */
  void stop() {
    if (!stopping.compareAndSet(false, true)) {
      try {
        stopped.get(4, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the first stop is bounded; nothing more to do here
      }
      return;
    }
    Set<ProcessHandle> tree = new LinkedHashSet<>(process.descendants().toList());
    try {
      try {
        process.getOutputStream().close();
      } catch (IOException ignored) {
        // already closed
      }
      if (!exited(Duration.ofMillis(500))) {
        tree.addAll(process.descendants().toList());
        if (sandboxed) {
          process.descendants().forEach(ProcessHandle::destroy);
        } else {
          process.destroy();
        }
        if (!exited(Duration.ofMillis(500))) {
          if (sandboxed) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            exited(Duration.ofMillis(500));
          }
          process.destroyForcibly();
          exited(Duration.ofSeconds(1));
        }
      }
      List<ProcessHandle> left =
          new ArrayList<>(tree.stream().filter(ProcessHandle::isAlive).toList());
      left.forEach(ProcessHandle::destroy);
      long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
      for (ProcessHandle h : left) {
        long rest = deadline - System.nanoTime();
        try {
          h.onExit().get(Math.max(rest, 0), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
          h.destroyForcibly();
        }
      }
      closeQuietly();
      log.info(
          "ACP agent (pid {}) for conversation {} stopped{}",
          pid(),
          conversationId,
          process.isAlive()
              ? " (still alive after SIGKILL)"
              : ", exit code " + process.exitValue());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      tree.forEach(ProcessHandle::destroyForcibly);
      Thread.currentThread().interrupt();
    } finally {
      stopped.complete(null);
    }
  }

  private boolean exited(Duration wait) throws InterruptedException {
    return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void closeQuietly() {
    try {
      process.getInputStream().close();
    } catch (IOException ignored) {
      // nothing to release
    }
    try {
      process.getErrorStream().close();
    } catch (IOException ignored) {
      // nothing to release
    }
  }
}
