package dev.switchboard.platform.telegram;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.switchboard.common.HttpCalls;
import dev.switchboard.common.JettyCalls;
import dev.switchboard.common.MultipartForm;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Bot API over plain HTTPS: {@code POST <base>/bot<token>/<method>} with a JSON body (a
 * multipart one for uploads), answered by {@code {ok, result}} or {@code {ok:false, error_code,
 * description, parameters}}; files are fetched from {@code <base>/file/bot<token>/<file_path>}.
 * Written on plain HTTP clients rather than a Telegram SDK because the gateway must decide
 * exactly when an update counts as received and how each failure is retried.
 *
 * <p>The JSON calls, which every message makes, go through Jetty's client ({@link JettyCalls}
 * says why). Uploads and downloads go through the JDK's client, made at the first file: {@link
 * MultipartForm} gives an upload its exact length only as a JDK body, and a download is read as
 * a stream. The JDK client's timeout covers only the time to the response headers, so every call
 * is also bounded as a whole ({@code deadline}).
 */
final class TelegramApi implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** The longest retry_after taken as given, in seconds. */
  private static final long MAX_RETRY_AFTER_S = 86_400;

  private final org.eclipse.jetty.client.HttpClient calls;
  private @Nullable HttpClient files;
  private boolean closed;
  private final URI base;
  private final String token;
  private final JsonMapper json = JsonMapper.builder().build();

  TelegramApi(URI base, String token) {
    this.base = base;
    this.token = token;
    this.calls = JettyCalls.start("telegram-http");
  }

  private synchronized HttpClient files() throws TelegramApiException {
    if (closed) {
      throw new TelegramApiException(
          TelegramApiException.Kind.NOT_SENT, 0, "the Telegram client is closed", null, null);
    }
    HttpClient client = files;
    if (client == null) {
      client = HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .executor(Executors.newVirtualThreadPerTaskExecutor())
          .build();
      files = client;
    }
    return client;
  }

  ObjectNode params() {
    return json.createObjectNode();
  }

  /** Calls {@code method}; the whole exchange must end within {@code deadline}. */
  JsonNode call(String method, ObjectNode params, Duration deadline)
      throws TelegramApiException, InterruptedException {
    Request request = calls
        .POST(methodUri(method))
        .body(new StringRequestContent("application/json", params.toString(), UTF_8));
    ContentResponse response;
    try {
      response = JettyCalls.send(request, deadline);
    } catch (HttpCalls.Unanswered e) {
      throw unanswered(method, e, deadline);
    }
    return parse(method, response.getStatus(), new String(response.getContent(), UTF_8));
  }

  /** Calls {@code method} with a multipart body, as uploads are sent; see {@link #call}. */
  JsonNode upload(String method, MultipartForm form, Duration deadline)
      throws TelegramApiException, InterruptedException {
    return exchange(method, form.body(), form.contentType(), deadline);
  }

  private JsonNode exchange(
      String method, HttpRequest.BodyPublisher body, String contentType, Duration deadline)
      throws TelegramApiException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(methodUri(method))
        .timeout(deadline)
        .header("Content-Type", contentType)
        .POST(body)
        .build();
    CompletableFuture<HttpResponse<String>> future =
        files().sendAsync(request, HttpResponse.BodyHandlers.ofString(UTF_8));
    HttpResponse<String> response = await(method, future, deadline);
    return parse(method, response.statusCode(), response.body());
  }

  private URI methodUri(String method) {
    return base.resolve(base.getPath() + "/bot" + token + "/" + method);
  }

  /**
   * Fetches a file that getFile described: {@code GET <base>/file/bot<token>/<file_path>}. The
   * answer's headers must come within {@code deadline}, and the returned body fails a read once
   * {@code deadline} has passed since then or when it ends short of its Content-Length.
   */
  InputStream download(String filePath, Duration deadline)
      throws TelegramApiException, InterruptedException {
    String what = "file download";
    URI uri = fileUri(filePath);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(deadline).GET().build();
    CompletableFuture<HttpResponse<InputStream>> future =
        files().sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
    HttpResponse<InputStream> response = await(what, future, deadline);
    if (response.statusCode() != 200) {
      String text;
      try (InputStream body = response.body()) {
        text = new String(body.readNBytes(4096), UTF_8);
      } catch (IOException e) {
        text = "";
      }
      throw new TelegramApiException(
          TelegramApiException.Kind.API_ERROR,
          response.statusCode(),
          what + ": " + redact(errorDescription(text, response.statusCode())),
          null,
          null);
    }
    long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    return new DownloadStream(response.body(), length, deadline);
  }

  /**
   * The file's address under the configured base. Telegram's file paths are relative
   * ("photos/file_0.jpg"); one that climbs out of the file directory is not one Telegram sent.
   */
  private URI fileUri(String filePath) throws TelegramApiException {
    if (filePath.isEmpty()
        || filePath.startsWith("/")
        || Arrays.asList(filePath.split("/")).contains("..")) {
      throw new TelegramApiException(
          TelegramApiException.Kind.API_ERROR,
          0,
          "getFile gave an unusable file_path: " + redact(filePath),
          null,
          null);
    }
    try {
      // The multi-argument constructor quotes what a path may not hold (spaces, non-ASCII).
      return new URI(
          base.getScheme(),
          base.getRawAuthority(),
          base.getPath() + "/file/bot" + token + "/" + filePath,
          null,
          null);
    } catch (URISyntaxException e) {
      throw new TelegramApiException(
          TelegramApiException.Kind.API_ERROR,
          0,
          "getFile gave an unusable file_path: " + redact(filePath),
          null,
          null);
    }
  }

  /** Waits for the answer's headers, at most {@code deadline} and a second. */
  private <T> HttpResponse<T> await(
      String what, CompletableFuture<HttpResponse<T>> future, Duration deadline)
      throws TelegramApiException, InterruptedException {
    try {
      return HttpCalls.await(future, deadline);
    } catch (HttpCalls.Unanswered e) {
      throw unanswered(what, e, deadline);
    }
  }

  /**
   * A call that ended without an answer. Its cause is kept as a description only: the clients'
   * exceptions may quote the request's address, and with it the token.
   */
  private TelegramApiException unanswered(String what, HttpCalls.Unanswered e, Duration deadline) {
    IOException cause = new IOException(describe(e.getCause()));
    String why = e.timedOut()
        ? (e.notSent() ? "no connection" : "no complete answer") + " within " + deadline.toSeconds()
            + " s"
        : cause.getMessage();
    return new TelegramApiException(
        e.notSent() ? TelegramApiException.Kind.NOT_SENT : TelegramApiException.Kind.NO_ANSWER,
        0,
        what + ": " + why,
        null,
        cause);
  }

  private JsonNode parse(String method, int status, String text) throws TelegramApiException {
    JsonNode body;
    try {
      body = json.readTree(text);
    } catch (JacksonException e) {
      body = null;
    }
    if ((body == null || !body.isObject() || !body.has("ok")) && status == 413) {
      // nginx in front of the Bot API refuses an upload over its limit with an HTML page
      throw new TelegramApiException(
          TelegramApiException.Kind.API_ERROR,
          413,
          method + ": Request Entity Too Large",
          null,
          null);
    }
    if (body == null || !body.isObject() || !body.has("ok")) {
      // Not the Bot API's shape (a proxy's error page, a cut-off body): for a send we cannot
      // tell whether Telegram acted on it.
      throw new TelegramApiException(
          TelegramApiException.Kind.NO_ANSWER,
          status,
          method + ": unreadable answer (HTTP " + status + ")",
          null,
          null);
    }
    if (body.path("ok").asBoolean(false)) {
      return body.path("result");
    }
    int code = body.path("error_code").asInt(status);
    String description = body.path("description").asString("HTTP " + status);
    // A retry_after that is not a number of seconds up to a day is not read: the defaulting
    // accessor cannot throw, and the clamp keeps the wait's arithmetic from overflowing.
    long retrySeconds = body.path("parameters").path("retry_after").asLong(-1);
    Duration retryAfter =
        retrySeconds < 0 ? null : Duration.ofSeconds(Math.min(retrySeconds, MAX_RETRY_AFTER_S));
    throw new TelegramApiException(
        TelegramApiException.Kind.API_ERROR,
        code,
        method + ": " + redact(description),
        retryAfter,
        null);
  }

  /** Telegram's description in an error answer, or the HTTP status when it is not JSON. */
  private String errorDescription(String text, int status) {
    try {
      JsonNode body = json.readTree(text);
      if (body != null && body.isObject()) {
        return body.path("description").asString("HTTP " + status);
      }
    } catch (JacksonException e) {
      // an HTML error page: the status says enough
    }
    return "HTTP " + status;
  }

  /** An exception's description without the bot token, which request URLs contain. */
  String describe(@Nullable Throwable t) {
    if (t == null) {
      return "unknown failure";
    }
    String msg = t.getMessage();
    return t.getClass().getSimpleName() + (msg == null ? "" : ": " + redact(msg));
  }

  String redact(String text) {
    return text.replace(token, "<token>");
  }

  @Override
  public void close() {
    JettyCalls.stop(calls);
    HttpClient client;
    synchronized (this) {
      closed = true;
      client = files;
    }
    if (client != null) {
      client.shutdownNow();
    }
  }
}
