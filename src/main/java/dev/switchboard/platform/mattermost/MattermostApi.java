package dev.switchboard.platform.mattermost;

import dev.switchboard.common.HttpCalls;
import dev.switchboard.common.MultipartForm;
import dev.switchboard.common.Sleeper;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mattermost's REST API v4 with a bearer token. Errors come as Mattermost's AppError ({@code
 * id}, {@code message}, {@code status_code}); a 429 comes from the server's rate limiter as
 * plain text with {@code Retry-After} (seconds) or {@code X-RateLimit-Reset} (seconds until the
 * limit is full again, not a time, whatever the API reference says: the server writes {@code
 * ceil(ResetAfter)}) and is waited out within the call's deadline. Messages name the method,
 * the path and the status, never the token.
 */
final class MattermostApi {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_429_RETRIES = 5;
  private static final long MAX_RETRY_AFTER_S = 86_400;
  /** Mattermost's ids: 26 lowercase letters and digits. Checked before one goes in a path. */
  static final Pattern ID = Pattern.compile("[a-z0-9]{26}");

  /** A Mattermost error answer: its HTTP status and AppError id. */
  static final class Failure extends PlatformException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String errorId;

    Failure(String message, Kind kind, int status, String errorId, @Nullable String reason) {
      super(message, kind, null, null, reason);
      this.status = status;
      this.errorId = errorId;
    }

    int status() {
      return status;
    }

    /** Mattermost's error id, such as {@code api.context.session_expired.app_error}. */
    String errorId() {
      return errorId;
    }
  }

  private final HttpClient http;
  private final URI base;
  private final String token;
  private final Sleeper sleeper;

  MattermostApi(HttpClient http, URI base, String token, Sleeper sleeper) {
    this.http = http;
    this.base = base;
    this.token = token;
    this.sleeper = sleeper;
  }

  /** @param body null for none */
  JsonNode call(String method, String path, @Nullable JsonNode body, Duration deadline)
      throws PlatformException, InterruptedException {
    HttpRequest.BodyPublisher publisher = body == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
    return exchange(method, path, "application/json", publisher, deadline);
  }

  /** A multipart POST, such as {@code /files}. */
  JsonNode upload(String path, MultipartForm form, Duration deadline)
      throws PlatformException, InterruptedException {
    return exchange("POST", path, form.contentType(), form.body(), deadline);
  }

  private JsonNode exchange(
      String method,
      String path,
      String contentType,
      HttpRequest.BodyPublisher body,
      Duration deadline)
      throws PlatformException, InterruptedException {
    String what = method + " " + path;
    long end = System.nanoTime() + deadline.toNanos();
    for (int attempt = 0; ; attempt++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofNanos(Math.max(1, end - System.nanoTime())))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", contentType)
          .header("Accept", "application/json")
          .method(method, body)
          .build();
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new PlatformException(
            what + ": " + e.getClass().getSimpleName(),
            HttpCalls.notSent(e)
                ? PlatformException.Kind.TRANSIENT
                : PlatformException.Kind.UNKNOWN_OUTCOME,
            null,
            e);
      }
      int status = response.statusCode();
      if (status == 429) {
        Duration wait = retryAfter(response);
        if (attempt >= MAX_429_RETRIES || System.nanoTime() + wait.toNanos() > end) {
          throw PlatformException.rateLimited(
              what + ": rate limited (429, retry after " + wait.toSeconds() + " s)", wait);
        }
        sleeper.sleep(wait);
        continue;
      }
      JsonNode answer = parse(response.body());
      if (status >= 200 && status < 300) {
        if (answer == null) {
          throw PlatformException.unknownOutcome(
              what + ": unreadable answer (HTTP " + status + ")", null);
        }
        return answer;
      }
      throw failure(what, status, answer);
    }
  }

  /** The file's bytes; {@code fileId} must be a Mattermost id, so the token goes nowhere else. */
  InputStream download(String fileId, Duration headersDeadline)
      throws PlatformException, InterruptedException {
    if (!ID.matcher(fileId).matches()) {
      throw new PlatformException("not a Mattermost file id; nothing was fetched", true);
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/files/" + fileId))
        .timeout(headersDeadline)
        .header("Authorization", "Bearer " + token)
        .GET()
        .build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new PlatformException("GET /files/{id}: " + e.getClass().getSimpleName(), false, e);
    }
    int status = response.statusCode();
    if (status == 200) {
      return response.body();
    }
    try (InputStream errorBody = response.body()) {
      errorBody.readNBytes(4096);
    } catch (IOException e) {
      // the status says enough
    }
    if (status == 404 || status == 410) {
      throw new PlatformException("the file is gone from Mattermost", true);
    }
    if (status == 401) {
      throw new PlatformException(
          "Mattermost refused the download (HTTP 401): the token is no longer valid", true);
    }
    if (status == 403) {
      throw new PlatformException(
          "Mattermost refused the download (HTTP 403): the bot must be a member of the channel"
              + " the file was posted in",
          true);
    }
    if (status == 429) {
      Duration wait = retryAfter(response);
      throw PlatformException.rateLimited(
          "Mattermost is limiting requests; please send it again in " + wait.toSeconds() + " s",
          wait);
    }
    throw new PlatformException(
        "GET /files/{id}: HTTP " + status + (status >= 500 ? "; please send it again" : ""),
        status < 500);
  }

  private static Failure failure(String what, int status, @Nullable JsonNode answer) {
    String id = answer == null ? "" : answer.path("id").asString("");
    String message = answer == null ? "" : answer.path("message").asString("");
    String said =
        id.isEmpty() && message.isEmpty() ? "" : " " + (id.isEmpty() ? "" : id + ": ") + message;
    PlatformException.Kind kind;
    if (status == 400 || status == 413) {
      kind = PlatformException.Kind.REFUSED;
    } else if (status >= 500 || status == 408) {
      kind = PlatformException.Kind.TRANSIENT;
    } else {
      kind = PlatformException.Kind.FATAL;
    }
    return new Failure(
        what + ": HTTP " + status + said,
        kind,
        status,
        id,
        kind == PlatformException.Kind.REFUSED && !message.isEmpty() ? message : null);
  }

  private static @Nullable JsonNode parse(String body) {
    if (body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (JacksonException e) {
      return null;
    }
  }

  /**
   * Retry-After, else X-RateLimit-Reset, in seconds, held to 0 s .. a day; 1 s when neither
   * can be read. Beyond a day would overflow the deadline arithmetic.
   */
  static Duration retryAfter(HttpResponse<?> response) {
    String value = response
        .headers()
        .firstValue("Retry-After")
        .or(() -> response.headers().firstValue("X-RateLimit-Reset"))
        .orElse("1")
        .strip();
    try {
      return Duration.ofSeconds(Math.clamp(Long.parseLong(value), 0, MAX_RETRY_AFTER_S));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }
}
