package dev.switchboard.platform.api;

import dev.switchboard.common.ConstantTime;
import dev.switchboard.http.EventStream;
import dev.switchboard.http.JsonExchange;
import dev.switchboard.platform.AttachmentKind;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/models} and {@code POST /v1/chat/completions} in OpenAI's wire format: bearer
 * key (compared in constant time), a per-key rate limit, and the answer either as one JSON
 * object or streamed as {@code chat.completion.chunk} events ending with {@code [DONE]}. Runs
 * on the request's virtual thread, which waits for the turn.
 */
final class CompletionsHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(CompletionsHandler.class);
  /** What a 503 tells the client to wait: about a restart's time. */
  static final String RETRY_SECONDS = "5";

  private final ApiServerAdapter adapter;
  private final ApiSettings settings;
  private final RequestBucket bucket;
  private final long createdEpochSeconds;

  CompletionsHandler(
      ApiServerAdapter adapter,
      ApiSettings settings,
      RequestBucket bucket,
      long createdEpochSeconds) {
    this.adapter = adapter;
    this.settings = settings;
    this.bucket = bucket;
    this.createdEpochSeconds = createdEpochSeconds;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    String method = request.getMethod();
    try {
      authenticate(request);
      if (path.equals("/v1/models") && method.equals("GET")) {
        JsonExchange.send(response, callback, 200, models());
      } else if (path.equals("/v1/chat/completions") && method.equals("POST")) {
        complete(request, response, callback);
      } else if (path.equals("/v1/send") && method.equals("POST")) {
        send(request, response, callback);
      } else {
        throw new ApiError(
            404,
            "invalid_request_error",
            null,
            "unknown_url",
            "Unknown request URL: " + method + " " + path);
      }
    } catch (ApiError e) {
      JsonExchange.settleUnusedBody(request, response);
      if (e.status() == 401) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      } else if (e.status() == 503) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_SECONDS);
      }
      refuse(response, callback, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_SECONDS);
      refuse(
          response,
          callback,
          new ApiError(
              503, "server_error", null, null, "Switchboard is stopping; send the request again"));
    }
    return true;
  }

  private void authenticate(Request request) throws ApiError {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiError(
          401,
          "invalid_request_error",
          null,
          "invalid_api_key",
          "No API key was given: send it as 'Authorization: Bearer <key>' (API_SERVER_KEY)");
    }
    if (!ConstantTime.secretEquals(settings.key(), header.substring(7).strip())) {
      log.warn("api: refused a request with a wrong key from {}", Request.getRemoteAddr(request));
      throw new ApiError(
          401, "invalid_request_error", null, "invalid_api_key", "Incorrect API key provided");
    }
  }

  private ObjectNode models() {
    ObjectNode root = JsonExchange.json().createObjectNode();
    root.put("object", "list");
    ObjectNode model = root.putArray("data").addObject();
    model.put("id", settings.modelName());
    model.put("object", "model");
    model.put("created", createdEpochSeconds);
    model.put("owned_by", "switchboard");
    return root;
  }

  private void complete(Request request, Response response, Callback callback)
      throws ApiError, InterruptedException {
    Duration wait = bucket.take();
    if (!wait.isZero()) {
      long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
      response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(seconds));
      response
          .getHeaders()
          .put("x-ratelimit-limit-requests", Integer.toString(settings.requestsPerMinute()));
      response.getHeaders().put("x-ratelimit-remaining-requests", "0");
      throw new ApiError(
          429,
          "requests",
          null,
          "rate_limit_exceeded",
          "Rate limit reached: "
              + settings.requestsPerMinute() + " requests per minute for this key; try again in "
              + seconds + " s");
    }
    if (!JsonExchange.isJson(request)) {
      throw new ApiError(
          415,
          "invalid_request_error",
          null,
          null,
          "send the body as JSON with Content-Type: application/json");
    }
    try (RequestSpool spool = adapter.spool()) {
      CompletionRequest parsed = CompletionRequest.parse(
          RequestBodyReader.read(spool.body(request)),
          request.getHeaders().get(CompletionRequest.SESSION_HEADER));
      answer(request, response, callback, parsed, spool);
    } catch (IOException e) {
      log.warn("api: could not keep a request's body on disk: {}", e.toString());
      throw new ApiError(
          500, "server_error", null, null, "the request could not be kept while answered");
    }
  }

  /** {@code POST /v1/send} ({@link SendRequest}), its body kept in a spool while it is sent. */
  private void send(Request request, Response response, Callback callback) throws ApiError {
    try (RequestSpool spool = adapter.spool()) {
      JsonExchange.send(
          response, callback, 200, SendRequest.handle(request, adapter.sender(), spool));
    } catch (IOException e) {
      log.warn("api: could not keep a send's body on disk: {}", e.toString());
      throw new ApiError(
          500, "server_error", null, null, "the request could not be kept while answered");
    }
  }

  /** The files of a request, the web images among them fetched into its spool. */
  private List<HeldFiles.File> files(CompletionRequest parsed, RequestSpool spool)
      throws ApiError, IOException, InterruptedException {
    List<HeldFiles.File> files = new ArrayList<>();
    for (FilePart part : parsed.files()) {
      switch (part) {
        case FilePart.Inline i ->
          files.add(new HeldFiles.File(
              i.kind(), i.mimeType(), i.fileName(), i.size(), () -> Base64Data.open(i.data())));
        case FilePart.WebImage w -> {
          ImageFetcher.Fetched f = adapter
              .fetcher()
              .fetch(w.uri(), spool.newFile(), w.param() + ".url", ContentParts.MAX_FILE_BYTES);
          files.add(new HeldFiles.File(
              AttachmentKind.IMAGE,
              f.mimeType(),
              null,
              f.size(),
              () -> Files.newInputStream(f.file())));
        }
      }
    }
    return files;
  }

  private void answer(
      Request request,
      Response response,
      Callback callback,
      CompletionRequest parsed,
      RequestSpool spool)
      throws ApiError, IOException, InterruptedException {
    Optional<ApiServerAdapter.Refusal> refusal = adapter.refusal();
    if (refusal.isPresent()) {
      throw new ApiError(
          503,
          "server_error",
          null,
          null,
          refusal.get() == ApiServerAdapter.Refusal.DRAINING
              ? "Switchboard is restarting or stopping; send the request again in a few seconds"
              : "Switchboard is not running yet; send the request again in a few seconds");
    }
    List<HeldFiles.File> files = files(parsed, spool);
    PendingCompletion p = adapter
        .begin(parsed)
        .orElseThrow(() -> new ApiError(
            409,
            "invalid_request_error",
            null,
            "session_busy",
            "A request in session '" + parsed.session()
                + "' is still being answered; send one at a time per session"));
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    long idleTimeout = endPoint.getIdleTimeout();
    try {
      // Longer than the turn may take: the answer, not the connection, sets the limit.
      endPoint.setIdleTimeout(settings.turnTimeout().plusSeconds(30).toMillis());
      request.addFailureListener(failure -> p.signal(new PendingCompletion.ClientGone()));
      if (!adapter.submit(p, parsed.text(), files)) {
        throw new ApiError(
            503, "server_error", null, null, "Switchboard is stopping; send the request again");
      }
      if (parsed.stream()) {
        stream(p, parsed, response, callback);
      } else {
        whole(p, parsed, response, callback);
      }
    } finally {
      adapter.end(p);
      endPoint.setIdleTimeout(idleTimeout); // the connection may serve other requests
      if (!p.settled()) {
        adapter.stopTurn(p); // nobody waits for this answer: do not let the agent go on
      }
    }
  }

  private void whole(
      PendingCompletion p, CompletionRequest parsed, Response response, Callback callback)
      throws ApiError, InterruptedException {
    long deadline = System.nanoTime() + settings.turnTimeout().toNanos();
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      PendingCompletion.Signal s = left > 0 ? p.next(left) : null;
      switch (s) {
        case null -> throw timeout();
        case PendingCompletion.Delta d -> {} // the whole text comes with Done
        case PendingCompletion.Done done -> {
          JsonExchange.send(response, callback, 200, completion(p, parsed, done.text()));
          return;
        }
        case PendingCompletion.Refused r ->
          throw new ApiError(503, "server_error", null, "not_taken", r.message());
        case PendingCompletion.Abort a ->
          throw new ApiError(503, "server_error", null, null, a.message());
        case PendingCompletion.ClientGone g -> {
          callback.failed(new IOException("the client closed the connection"));
          return;
        }
      }
    }
  }

  private void stream(
      PendingCompletion p, CompletionRequest parsed, Response response, Callback callback) {
    EventStream events;
    try {
      events = EventStream.open(response, callback);
    } catch (IOException e) {
      log.debug("api: the client left before the answer: {}", e.getMessage());
      callback.failed(e);
      return;
    }
    long deadline = System.nanoTime() + settings.turnTimeout().toNanos();
    StringBuilder sent = new StringBuilder();
    try {
      events.event(null, json(chunk(p, parsed, "", true, null)));
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        PendingCompletion.Signal s =
            left > 0 ? p.next(Math.min(left, EventStream.KEEPALIVE_SECONDS * 1000)) : null;
        if (s == null && left > EventStream.KEEPALIVE_SECONDS * 1000) {
          events.keepalive();
          continue;
        }
        switch (s) {
          case null -> {
            events.event(null, json(timeout().body()));
            events.close();
            return;
          }
          case PendingCompletion.Delta d -> {
            sent.append(d.text());
            events.event(null, json(chunk(p, parsed, d.text(), false, null)));
          }
          case PendingCompletion.Done done -> {
            // The final text may add to what streamed (a note that the turn was cut short).
            String all = done.text();
            if (all.startsWith(sent.toString()) && all.length() > sent.length()) {
              events.event(null, json(chunk(p, parsed, all.substring(sent.length()), false, null)));
            }
            events.event(null, json(chunk(p, parsed, null, false, "stop")));
            events.event(null, "[DONE]");
            events.close();
            return;
          }
          case PendingCompletion.Refused r -> {
            events.event(
                null,
                json(new ApiError(503, "server_error", null, "not_taken", r.message()).body()));
            events.close();
            return;
          }
          case PendingCompletion.Abort a -> {
            events.event(
                null, json(new ApiError(503, "server_error", null, null, a.message()).body()));
            events.close();
            return;
          }
          case PendingCompletion.ClientGone g -> {
            events.abort(new IOException("the client closed the connection"));
            return;
          }
        }
      }
    } catch (IOException e) {
      log.debug("api: the client left during the answer: {}", e.getMessage());
      events.abort(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the server is stopping: end the stream cleanly
      events.close();
    }
  }

  private ApiError timeout() {
    return new ApiError(
        504,
        "server_error",
        null,
        "timeout",
        "The agent did not answer within " + settings.turnTimeout().toSeconds()
            + " s (platforms.api.turn_timeout)");
  }

  private ObjectNode completion(PendingCompletion p, CompletionRequest parsed, String text) {
    ObjectNode root = header(p, parsed, "chat.completion");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", text);
    message.putNull("refusal");
    choice.putNull("logprobs");
    choice.put("finish_reason", "stop");
    return root;
  }

  private ObjectNode chunk(
      PendingCompletion p,
      CompletionRequest parsed,
      @Nullable String content,
      boolean first,
      @Nullable String finishReason) {
    ObjectNode root = header(p, parsed, "chat.completion.chunk");
    ArrayNode choices = root.putArray("choices");
    ObjectNode choice = choices.addObject();
    choice.put("index", 0);
    ObjectNode delta = choice.putObject("delta");
    if (first) {
      delta.put("role", "assistant");
    }
    if (content != null) {
      delta.put("content", content);
    }
    choice.putNull("logprobs");
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return root;
  }

  private ObjectNode header(PendingCompletion p, CompletionRequest parsed, String object) {
    ObjectNode root = JsonExchange.json().createObjectNode();
    root.put("id", p.id);
    root.put("object", object);
    root.put("created", System.currentTimeMillis() / 1000);
    root.put("model", parsed.model());
    return root;
  }

  private static String json(ObjectNode node) {
    return JsonExchange.json().writeValueAsString(node);
  }

  private static void refuse(Response response, Callback callback, ApiError e) {
    JsonExchange.send(response, callback, e.status(), e.body());
  }
}
