package dev.switchboard.platform.matrix;

import dev.switchboard.common.HttpCalls;
import dev.switchboard.common.Sleeper;
import dev.switchboard.platform.PlatformException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Matrix Client-Server API with a bearer token (never in the query: the spec deprecates
 * that). Errors come as {@code {"errcode", "error"}}; a 429 ({@code M_LIMIT_EXCEEDED}) is waited
 * out for its {@code Retry-After} header, else the body's {@code retry_after_ms}, within the
 * call's deadline. Messages name the method, the path and the errcode, never the token.
 */
final class MatrixApi {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_429_RETRIES = 5;
  private static final long MAX_RETRY_AFTER_MS = 86_400_000;
  /** {@code mxc://<server-name>/<media-id>}: the media id is [A-Za-z0-9_-] only. */
  private static final Pattern MXC = Pattern.compile(
      "mxc://([A-Za-z0-9.\\-]+(?::[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](?::[0-9]{1,5})?)/([A-Za-z0-9_-]+)");

  /** A Matrix error answer: its HTTP status and errcode. */
  static final class Failure extends PlatformException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String errcode;

    Failure(String message, Kind kind, int status, String errcode, @Nullable String reason) {
      super(message, kind, null, null, reason);
      this.status = status;
      this.errcode = errcode;
    }

    int status() {
      return status;
    }

    String errcode() {
      return errcode;
    }
  }

  private final HttpClient http;
  private final URI homeserver;
  private final Supplier<@Nullable String> token;
  private final Sleeper sleeper;

  /** @param token the current access token; null before a login */
  MatrixApi(HttpClient http, URI homeserver, Supplier<@Nullable String> token, Sleeper sleeper) {
    this.http = http;
    this.homeserver = homeserver;
    this.token = token;
    this.sleeper = sleeper;
  }

  /** A path segment: room and event ids hold {@code ! $ : @ #}, which must be escaped. */
  static String segment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** @param path from the server's root, such as {@code /_matrix/client/v3/sync?since=...} */
  JsonNode call(String method, String path, @Nullable JsonNode body, Duration deadline)
      throws PlatformException, InterruptedException {
    HttpRequest.BodyPublisher publisher = body == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
    return exchange(method, path, "application/json", publisher, deadline);
  }

  /** Uploads the file to the media repository; returns its {@code mxc://} URI. */
  String upload(Path file, String fileName, String mimeType, Duration deadline)
      throws PlatformException, InterruptedException {
    HttpRequest.BodyPublisher body;
    try {
      body = HttpRequest.BodyPublishers.ofFile(file);
    } catch (FileNotFoundException e) {
      throw new PlatformException("the file to send is gone: " + fileName, true, e);
    }
    JsonNode answer = exchange(
        "POST", "/_matrix/media/v3/upload?filename=" + segment(fileName), mimeType, body, deadline);
    String uri = answer.path("content_uri").asString("");
    if (!MXC.matcher(uri).matches()) {
      throw new PlatformException("upload: no content_uri in the answer", false);
    }
    return uri;
  }

  /**
   * The bytes of an {@code mxc://} URI from the authenticated media endpoint; a URI that is not
   * one is refused before any request, so the token goes to the homeserver only.
   */
  InputStream download(String mxc, Duration headersDeadline)
      throws PlatformException, InterruptedException {
    Matcher m = MXC.matcher(mxc);
    if (!m.matches()) {
      throw new PlatformException("not an mxc:// media URI; nothing was fetched", true);
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(homeserver
            + "/_matrix/client/v1/media/download/" + segment(m.group(1)) + "/" + m.group(2)))
        .timeout(headersDeadline)
        .header("Authorization", "Bearer " + bearer())
        .GET()
        .build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new PlatformException("media download: " + e.getClass().getSimpleName(), false, e);
    }
    int status = response.statusCode();
    if (status == 200) {
      return response.body();
    }
    String said;
    try (InputStream in = response.body()) {
      said = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
    } catch (IOException e) {
      said = "";
    }
    JsonNode error = parse(said);
    if (status == 429) {
      Duration wait = retryAfter(response, error);
      throw PlatformException.rateLimited(
          "the homeserver is limiting requests; please send it again in " + wait.toSeconds() + " s",
          wait);
    }
    if (status == 404) {
      throw new PlatformException("the file is gone from the homeserver", true);
    }
    if (status >= 300 && status < 400) {
      throw new PlatformException(
          "the homeserver sent the download elsewhere (HTTP " + status + "); not followed with"
              + " the token",
          true);
    }
    throw failure("media download", status, error);
  }

  private String bearer() throws PlatformException {
    String t = token.get();
    if (t == null) {
      throw new PlatformException("not logged in to the homeserver", false);
    }
    return t;
  }

  private JsonNode exchange(
      String method,
      String path,
      String contentType,
      HttpRequest.BodyPublisher body,
      Duration deadline)
      throws PlatformException, InterruptedException {
    String what = method + " " + path.replaceFirst("\\?.*", "");
    long end = System.nanoTime() + deadline.toNanos();
    for (int attempt = 0; ; attempt++) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(homeserver + path))
          .timeout(Duration.ofNanos(Math.max(1, end - System.nanoTime())))
          .header("Content-Type", contentType)
          .header("Accept", "application/json")
          .method(method, body);
      if (!path.startsWith("/_matrix/client/v3/login")) {
        request.header("Authorization", "Bearer " + bearer());
      }
      HttpResponse<String> response;
      try {
        response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
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
      JsonNode answer = parse(response.body());
      if (status == 429) {
        Duration wait = retryAfter(response, answer);
        if (attempt >= MAX_429_RETRIES || System.nanoTime() + wait.toNanos() > end) {
          throw PlatformException.rateLimited(
              what + ": rate limited (M_LIMIT_EXCEEDED, retry after " + wait.toMillis() + " ms)",
              wait);
        }
        sleeper.sleep(wait);
        continue;
      }
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

  private static Failure failure(String what, int status, @Nullable JsonNode answer) {
    String errcode = answer == null ? "" : answer.path("errcode").asString("");
    String error = answer == null ? "" : answer.path("error").asString("");
    PlatformException.Kind kind;
    if (status == 400 || status == 413) {
      kind = PlatformException.Kind.REFUSED;
    } else if (status >= 500 || status == 408) {
      kind = PlatformException.Kind.TRANSIENT;
    } else {
      kind = PlatformException.Kind.FATAL;
    }
    String said = errcode.isEmpty() && error.isEmpty()
        ? ""
        : " " + (errcode.isEmpty() ? "" : errcode + ": ") + error;
    return new Failure(
        what + ": HTTP " + status + said,
        kind,
        status,
        errcode,
        kind == PlatformException.Kind.REFUSED && !error.isEmpty() ? error : null);
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
   * Retry-After in seconds (the spec's choice since v1.10), else the body's deprecated
   * retry_after_ms, else 1 s; held to a day, beyond which the deadline arithmetic overflows.
   */
  static Duration retryAfter(HttpResponse<?> response, @Nullable JsonNode answer) {
    long ms = 1000;
    String header = response.headers().firstValue("Retry-After").orElse("").strip();
    if (!header.isEmpty() && header.chars().allMatch(Character::isDigit) && header.length() < 12) {
      ms = Long.parseLong(header) * 1000;
    } else if (answer != null && answer.path("retry_after_ms").canConvertToLong()) {
      ms = answer.path("retry_after_ms").asLong();
    }
    return Duration.ofMillis(Math.clamp(ms, 0, MAX_RETRY_AFTER_MS));
  }
}
