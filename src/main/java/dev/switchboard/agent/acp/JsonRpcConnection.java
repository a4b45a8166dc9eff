package dev.switchboard.agent.acp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON-RPC 2.0 over newline-delimited JSON, both ways: we send requests and notifications,
 * the peer sends responses, notifications and requests of its own. One virtual thread reads;
 * notifications are handled on it, in order, so a turn's text chunks arrive before the
 * response that ends the turn. The peer's requests each get their own virtual thread, since
 * answering one may wait for a person (a permission prompt). Lines that are not JSON-RPC are
 * logged at debug and skipped.
 */
final class JsonRpcConnection {
  private static final Logger log = LoggerFactory.getLogger(JsonRpcConnection.class);
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final int METHOD_NOT_FOUND = -32601;
  static final int INTERNAL_ERROR = -32603;

  /** What the peer sends us. */
  interface Handler {
    /** Called on the reader thread; must not block. */
    void onNotification(String method, JsonNode params);

    /** Called on a thread of its own; returns the result or throws {@link RpcError}. */
    JsonNode onRequest(String method, JsonNode params) throws RpcError;
  }

  /** An error response, from the peer or for it. */
  static final class RpcError extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    RpcError(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /** The peer closed its output (it exited, most likely): no response will come. */
  static final class ClosedException extends Exception {
    private static final long serialVersionUID = 1L;

    ClosedException(String message) {
      super(message, null, false, false);
    }
  }

  private final BufferedReader in;
  private final Writer out;
  private final Handler handler;
  private final String name;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  JsonRpcConnection(InputStream in, OutputStream out, Handler handler, String name) {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    this.handler = handler;
    this.name = name;
  }

  void start() {
    Thread.ofVirtual().name("acp-reader-" + name).start(this::readLoop);
  }

  /** Completes when the peer's output ended; every pending request has failed by then. */
  CompletableFuture<Void> closed() {
    return closed;
  }

  /** Sends a request; the future fails with {@link RpcError} or {@link ClosedException}. */
  CompletableFuture<JsonNode> request(String method, JsonNode params) {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    ObjectNode msg = envelope().put("id", id).put("method", method);
    msg.set("params", params);
    if (closed.isDone()) {
      pending.remove(id);
      f.completeExceptionally(new ClosedException("the connection is closed"));
      return f;
    }
    try {
      write(msg);
    } catch (IOException e) {
      pending.remove(id);
      f.completeExceptionally(new ClosedException("cannot write to the agent: " + e.getMessage()));
    }
    return f;
  }

  /** Sends a notification; false when it could not be written (the peer is gone). */
  boolean notify(String method, JsonNode params) {
    ObjectNode msg = envelope().put("method", method);
    msg.set("params", params);
    try {
      write(msg);
      return true;
    } catch (IOException e) {
      log.debug("{}: cannot send {}: {}", name, method, e.getMessage());
      return false;
    }
  }

  private static ObjectNode envelope() {
    return JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0");
  }

  private void write(JsonNode msg) throws IOException {
    String line;
    try {
      line = JSON.writeValueAsString(msg);
    } catch (JacksonException e) {
      throw new IllegalStateException(e);
    }
    writeLock.lock();
    try {
      out.write(line);
      out.write('\n');
      out.flush();
    } finally {
      writeLock.unlock();
    }
  }

  private void readLoop() {
    try {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode msg;
        try {
          msg = JSON.readTree(line);
        } catch (JacksonException e) {
          log.debug("{}: skipped a line that is not JSON ({} chars)", name, line.length());
          continue;
        }
        try {
          dispatch(msg);
        } catch (RuntimeException e) {
          log.warn("{}: handling a message failed", name, e);
        }
      }
    } catch (IOException e) {
      log.debug("{}: reading from the agent failed: {}", name, e.getMessage());
    } finally {
      ClosedException gone = new ClosedException("the agent closed its output");
      pending.values().forEach(f -> f.completeExceptionally(gone));
      pending.clear();
      closed.complete(null);
    }
  }

  private void dispatch(JsonNode msg) {
    if (!msg.isObject()) {
      log.debug("{}: skipped a JSON value that is not a message", name);
      return;
    }
    JsonNode id = msg.get("id");
    JsonNode method = msg.get("method");
    if (method != null && method.isString()) {
      JsonNode params = msg.path("params");
      if (id == null || id.isNull()) {
        handler.onNotification(method.asString(), params);
      } else {
        Thread.ofVirtual()
            .name("acp-request-" + name)
            .start(() -> answer(id, method.asString(), params));
      }
      return;
    }
    if (id != null && id.canConvertToLong()) {
      CompletableFuture<JsonNode> f = pending.remove(id.asLong());
      if (f == null) {
        log.debug("{}: a response to no pending request", name);
      } else if (msg.hasNonNull("error")) {
        JsonNode err = msg.get("error");
        f.completeExceptionally(new RpcError(
            err.path("code").asInt(INTERNAL_ERROR), err.path("message").asString("error")));
      } else {
        f.complete(msg.path("result"));
      }
    }
  }

  private void answer(JsonNode id, String method, JsonNode params) {
    ObjectNode reply = envelope();
    reply.set("id", id);
    try {
      reply.set("result", handler.onRequest(method, params));
    } catch (RpcError e) {
      reply.putObject("error").put("code", e.code).put("message", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("{}: answering {} failed", name, method, e);
      reply.putObject("error").put("code", INTERNAL_ERROR).put("message", "internal error");
    }
    try {
      write(reply);
    } catch (IOException e) {
      log.debug("{}: cannot answer {}: {}", name, method, e.getMessage());
    }
  }
}
