package dev.switchboard.platform.discord;

import dev.switchboard.common.HttpCalls;
import dev.switchboard.common.Sleeper;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Discord's REST API v10 for one bot: {@code Authorization: Bot TOKEN}, the User-Agent Discord
 * asks for, JSON bodies, and the rate limits ({@link RateLimits}) honoured before each request
 * and after each 429 (waiting {@code retry_after}, then trying again, within the call's
 * deadline). Failures become {@link PlatformException}s that say what a retry may do: a 400
 * (50035 Invalid Form Body, 50006 empty message) is a refusal of what was sent, another 4xx
 * fatal, a 5xx or a refused connection transient, a request whose answer never came an unknown
 * outcome. Messages never contain the token.
 */
final class DiscordRest {
  static final URI DEFAULT_BASE = URI.create("https://discord.com/api/v10");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_429_RETRIES = 5;
  private static final double MAX_RETRY_AFTER_S = 86_400;
  private static final int MAX_ERROR_DEPTH = 8;

  /** What a request carries: its Content-Type, and a fresh publisher for each attempt. */
  interface Body {
    String contentType();

    HttpRequest.BodyPublisher publisher() throws IOException;

    static Body json(JsonNode node) {
      String text = node.toString();
      return new Body() {
        @Override
        public String contentType() {
          return "application/json";
        }

        @Override
        public HttpRequest.BodyPublisher publisher() {
          return HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
        }
      };
    }
  }

  private final HttpClient http;
  private final URI base;
  private final String token;
  private final String userAgent;
  private final RateLimits limits;
  private final Sleeper sleeper;

  DiscordRest(
      HttpClient http, URI base, String token, String version, RateLimits limits, Sleeper sleeper) {
    this.http = http;
    this.base = base;
    this.token = token;
    this.userAgent = userAgent(version);
    this.limits = limits;
    this.sleeper = sleeper;
  }

  /**
   * One call. {@code route} names the rate-limit route ("POST /channels/{id}/messages"),
   * {@code major} its channel, {@code path} the concrete path under the base URL.
   *
   * @param body null for none
   * @return the answer's JSON, or a missing node for 204
   */
  JsonNode call(
      String method,
      String route,
      String major,
      String path,
      @Nullable JsonNode body,
      Duration deadline)
      throws PlatformException, InterruptedException {
    return exchange(method, route, major, path, body == null ? null : Body.json(body), deadline);
  }

  /**
   * A POST of {@code body} (a multipart upload) to {@code path}: the same rate limits, retries
   * and errors as a JSON call, so an upload takes its turn in the route's bucket like any other
   * message.
   */
  JsonNode upload(String route, String major, String path, Body body, Duration deadline)
      throws PlatformException, InterruptedException {
    return exchange("POST", route, major, path, body, deadline);
  }

  private JsonNode exchange(
      String method,
      String route,
      String major,
      String path,
      @Nullable Body body,
      Duration deadline)
      throws PlatformException, InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    for (int attempt = 0; ; attempt++) {
      Duration wait = limits.acquire(route, major);
      while (wait.isPositive()) {
        if (System.nanoTime() + wait.toNanos() > end) {
          throw new PlatformException(
              route + ": rate limited for another " + wait.toMillis()
                  + " ms, beyond this call's deadline",
              PlatformException.Kind.RATE_LIMITED,
              wait,
              null);
        }
        sleeper.sleep(wait);
        wait = limits.acquire(route, major);
      }
      HttpResponse<String> response =
          send(method, route, path, body, Duration.ofNanos(Math.max(1, end - System.nanoTime())));
      limits.update(
          route,
          major,
          header(response, "X-RateLimit-Bucket"),
          header(response, "X-RateLimit-Remaining"),
          header(response, "X-RateLimit-Reset-After"));
      int status = response.statusCode();
      if (status == 204) {
        return JSON.missingNode();
      }
      JsonNode answer = parse(response.body());
      if (status >= 200 && status < 300) {
        return answer;
      }
      if (status == 429) {
        Duration retryAfter = retryAfter(response, answer);
        boolean global = answer.path("global").asBoolean(false)
            || "true".equalsIgnoreCase(header(response, "X-RateLimit-Global"));
        limits.limited(route, major, retryAfter, global);
        if (attempt < MAX_429_RETRIES) {
          continue;
        }
        throw new PlatformException(
            route + ": still rate limited after " + attempt + " retries",
            PlatformException.Kind.RATE_LIMITED,
            retryAfter,
            null);
      }
      throw new DiscordApiException(
          route + ": HTTP " + status + describe(answer),
          kindOf(status),
          status,
          answer.path("code").asInt(0),
          status == 400 ? refusal(answer) : null);
    }
  }

  /** The User-Agent Discord asks every client for. */
  static String userAgent(String version) {
    return "DiscordBot (https://github.com/switchboard-gateway/switchboard, " + version + ")";
  }

  private HttpResponse<String> send(
      String method, String route, String path, @Nullable Body body, Duration timeout)
      throws PlatformException, InterruptedException {
    HttpRequest.BodyPublisher publisher;
    try {
      publisher = body == null ? HttpRequest.BodyPublishers.noBody() : body.publisher();
    } catch (IOException e) {
      throw new PlatformException(
          route + ": cannot read what to send: " + e, PlatformException.Kind.FATAL, null, e);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(timeout)
        .header("Authorization", "Bot " + token)
        .header("User-Agent", userAgent)
        .method(method, publisher);
    if (body != null) {
      request.header("Content-Type", body.contentType());
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      boolean notSent = HttpCalls.notSent(e);
      String what = route + ": " + e.getClass().getSimpleName() + redact(e.getMessage());
      throw new PlatformException(
          what,
          notSent ? PlatformException.Kind.TRANSIENT : PlatformException.Kind.UNKNOWN_OUTCOME,
          null,
          e);
    }
  }

  private String redact(@Nullable String message) {
    return message == null ? "" : " " + message.replace(token, "<token>");
  }

  private static JsonNode parse(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n == null ? JSON.missingNode() : n;
    } catch (JacksonException e) {
      return JSON.missingNode();
    }
  }

  private static PlatformException.Kind kindOf(int status) {
    if (status == 400) {
      return PlatformException.Kind.REFUSED;
    }
    return status >= 500 ? PlatformException.Kind.TRANSIENT : PlatformException.Kind.FATAL;
  }

  /**
   * Why Discord refused a request, for the user whose message it was: "Invalid Form Body:
   * content: Must be 2000 or fewer in length."
   */
  private static String refusal(JsonNode answer) {
    String field = firstFieldError(answer.path("errors"), "", 0);
    String message = answer.path("message").asString("Bad Request");
    return field.isEmpty() ? message : message + ": " + field;
  }

  /**
   * Discord's error: {"code": 50035, "message": "Invalid Form Body"}, and for a form error the
   * first field Discord names with its reason ("content: Must be 2000 or fewer in length.").
   */
  private static String describe(JsonNode answer) {
    if (!answer.has("message")) {
      return "";
    }
    // Defaulting accessors only: an error body of odd types still describes the failure.
    String field = firstFieldError(answer.path("errors"), "", 0);
    return " (" + (answer.has("code") ? answer.path("code").asString("?") + " " : "")
        + answer.path("message").asString("?") + ")" + (field.isEmpty() ? "" : " " + field);
  }

  /**
   * The first {@code _errors} entry under {@code errors}, with the keys leading to it
   * ("attachments.0.filename: ..."); empty when there is none.
   */
  private static String firstFieldError(JsonNode errors, String at, int depth) {
    if (!errors.isObject() || depth > MAX_ERROR_DEPTH) {
      return "";
    }
    String message = errors.path("_errors").path(0).path("message").asString("");
    if (!message.isEmpty()) {
      return (at.isEmpty() ? "" : at + ": ") + message;
    }
    for (Map.Entry<String, JsonNode> e : errors.properties()) {
      String found = firstFieldError(
          e.getValue(), at.isEmpty() ? e.getKey() : at + "." + e.getKey(), depth + 1);
      if (!found.isEmpty()) {
        return found;
      }
    }
    return "";
  }

  /**
   * retry_after (float seconds) from the body, else the Retry-After header, else 1 s; a value
   * that is not a number of seconds from 0 to a day is not read (one beyond that would only
   * overflow the rate limiter's clock).
   */
  private static Duration retryAfter(HttpResponse<String> response, JsonNode answer) {
    JsonNode inBody = answer.path("retry_after");
    Duration fromBody = inBody.isNumber() ? seconds(inBody.asDouble(-1)) : null;
    if (fromBody != null) {
      return fromBody;
    }
    String header = header(response, "Retry-After");
    try {
      Duration d = header == null ? null : seconds(Double.parseDouble(header));
      return d == null ? Duration.ofSeconds(1) : d;
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }

  private static @Nullable Duration seconds(double s) {
    return s >= 0 && s <= MAX_RETRY_AFTER_S ? Duration.ofMillis((long) Math.ceil(s * 1000)) : null;
  }

  private static @Nullable String header(HttpResponse<String> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }
}
