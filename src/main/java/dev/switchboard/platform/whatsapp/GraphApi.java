package dev.switchboard.platform.whatsapp;

import dev.switchboard.common.HttpCalls;
import dev.switchboard.common.MultipartForm;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Graph API over plain HTTPS: {@code <api_url>/<version>/<path>} with the access token as a
 * Bearer header, JSON bodies (multipart for media uploads), answered by JSON or by Meta's error
 * body. Written on the JDK's HTTP client rather than an SDK because the gateway must decide how
 * each failure is retried. Every call is bounded as a whole ({@code deadline}).
 */
final class GraphApi implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final long MAX_RETRY_AFTER_S = 86_400;

  private final HttpClient http;
  private final URI base;
  private final String version;
  private final String token;
  private final JsonMapper json = JsonMapper.builder().build();

  GraphApi(URI base, String version, String token) {
    this.base = base;
    this.version = version;
    this.token = token;
    this.http = HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
  }

  ObjectNode object() {
    return json.createObjectNode();
  }

  /** {@code POST /<version>/<path>} with a JSON body. */
  JsonNode post(String path, ObjectNode body, Duration deadline)
      throws GraphApiException, InterruptedException {
    HttpRequest request = request(path, deadline)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
        .build();
    return exchange("POST " + path, request, deadline);
  }

  /** {@code GET /<version>/<path>}. */
  JsonNode get(String path, Duration deadline) throws GraphApiException, InterruptedException {
    return exchange("GET " + path, request(path, deadline).GET().build(), deadline);
  }

  /** {@code POST /<version>/<path>} with a multipart body, as media is uploaded. */
  JsonNode upload(String path, MultipartForm form, Duration deadline)
      throws GraphApiException, InterruptedException {
    HttpRequest request = request(path, deadline)
        .header("Content-Type", form.contentType())
        .POST(form.body())
        .build();
    return exchange("POST " + path, request, deadline);
  }

  /**
   * The bytes at a media URL the Graph API gave ({@code GET /<media-id>}'s {@code url}), fetched
   * with the same Bearer token, as Meta requires. The answer's headers must come within {@code
   * deadline}; the caller bounds the body's size.
   */
  InputStream download(URI url, Duration deadline) throws GraphApiException, InterruptedException {
    String what = "media download";
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(deadline)
        .header("Authorization", "Bearer " + token)
        .GET()
        .build();
    CompletableFuture<HttpResponse<InputStream>> future =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
    HttpResponse<InputStream> response = await(what, future, deadline);
    if (response.statusCode() != 200) {
      String text;
      try (InputStream body = response.body()) {
        text = new String(body.readNBytes(8192), StandardCharsets.UTF_8);
      } catch (IOException e) {
        text = "";
      }
      throw error(what, response.statusCode(), text, null);
    }
    return response.body();
  }

  private HttpRequest.Builder request(String path, Duration deadline) {
    return HttpRequest.newBuilder(base.resolve(base.getPath() + "/" + version + "/" + path))
        .timeout(deadline)
        .header("Authorization", "Bearer " + token);
  }

  private JsonNode exchange(String what, HttpRequest request, Duration deadline)
      throws GraphApiException, InterruptedException {
    CompletableFuture<HttpResponse<String>> future =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    HttpResponse<String> response = await(what, future, deadline);
    if (response.statusCode() / 100 != 2) {
      throw error(
          what,
          response.statusCode(),
          response.body(),
          response.headers().firstValue("Retry-After").orElse(null));
    }
    try {
      JsonNode body = json.readTree(response.body());
      if (body != null && body.isObject()) {
        return body;
      }
    } catch (JacksonException e) {
      // below
    }
    // Not the Graph API's shape (a proxy's page, a cut-off body): for a send we cannot tell
    // whether Meta acted on it.
    throw GraphApiException.network(
        GraphApiException.Kind.NO_ANSWER,
        what + ": unreadable answer (HTTP " + response.statusCode() + ")",
        null);
  }

  /** Meta's error body read into an exception; a body that is not one names the HTTP status. */
  GraphApiException error(String what, int status, String text, @Nullable String retryAfter) {
    JsonNode error = null;
    try {
      JsonNode body = json.readTree(text);
      if (body != null && body.path("error").isObject()) {
        error = body.path("error");
      }
    } catch (JacksonException e) {
      // an HTML error page: the status says enough
    }
    Duration wait = retryAfter(retryAfter);
    if (error == null) {
      return new GraphApiException(
          GraphApiException.Kind.API_ERROR,
          status,
          0,
          0,
          what + ": HTTP " + status,
          "",
          wait,
          null);
    }
    int code = error.path("code").asInt(0);
    int subcode = error.path("error_subcode").asInt(0);
    String message = redact(error.path("message").asString(""));
    String details = redact(error.path("error_data").path("details").asString(""));
    String trace = error.path("fbtrace_id").asString("");
    StringBuilder d = new StringBuilder(what).append(": ");
    d.append(message.isEmpty() ? "HTTP " + status : message);
    if (!details.isEmpty() && !details.equals(message)) {
      d.append(": ").append(details);
    }
    d.append(" (code ").append(code);
    if (subcode != 0) {
      d.append(", subcode ").append(subcode);
    }
    if (!trace.isEmpty()) {
      d.append(", fbtrace_id ").append(redact(trace));
    }
    d.append(')');
    return new GraphApiException(
        GraphApiException.Kind.API_ERROR,
        status,
        code,
        subcode,
        d.toString(),
        details.isEmpty() ? message : details,
        wait,
        null);
  }

  private static @Nullable Duration retryAfter(@Nullable String header) {
    if (header == null || !header.strip().matches("\\d{1,9}")) {
      return null;
    }
    return Duration.ofSeconds(Math.min(Long.parseLong(header.strip()), MAX_RETRY_AFTER_S));
  }

  /** Waits for the answer's headers, at most {@code deadline} and a second. */
  private <T> HttpResponse<T> await(
      String what, CompletableFuture<HttpResponse<T>> future, Duration deadline)
      throws GraphApiException, InterruptedException {
    try {
      return HttpCalls.await(future, deadline);
    } catch (HttpCalls.Unanswered e) {
      throw GraphApiException.network(
          e.notSent() ? GraphApiException.Kind.NOT_SENT : GraphApiException.Kind.NO_ANSWER,
          what + ": "
              + (e.timedOut()
                  ? "no complete answer within " + deadline.toSeconds() + " s"
                  : describe(e.getCause())),
          e.getCause());
    }
  }

  private String describe(@Nullable Throwable t) {
    if (t == null) {
      return "unknown failure";
    }
    String msg = t.getMessage();
    return t.getClass().getSimpleName() + (msg == null ? "" : ": " + redact(msg));
  }

  /** Text without the access token, in case Meta or a proxy ever echoes it. */
  String redact(String text) {
    return text.replace(token, "<token>");
  }

  @Override
  public void close() {
    http.shutdownNow();
  }
}
