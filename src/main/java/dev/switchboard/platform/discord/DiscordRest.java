package dev.switchboard.platform.discord;

import dev.switchboard.common.Sleeper;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Discord's REST API v10 for one bot: {@code Authorization: Bot TOKEN}, the User-Agent Discord
 * asks for, JSON bodies, and the rate limits ({@link RateLimits}) honoured before each request
 * and after each 429 (waiting {@code retry_after}, then trying again, within the call's
 * deadline). Failures become {@link PlatformException}s that say what a retry may do: a 4xx is
 * fatal, a 5xx or a refused connection transient, a request whose answer never came an unknown
 * outcome. Messages never contain the token.
 */
final class DiscordRest {
  static final URI DEFAULT_BASE = URI.create("https://discord.com/api/v10");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_429_RETRIES = 5;
  private static final double MAX_RETRY_AFTER_S = 86_400;

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
    this.userAgent =
        "DiscordBot (https://github.com/switchboard-gateway/switchboard, " + version + ")";
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
      String what = route + ": HTTP " + status + describe(answer);
      if (status >= 500) {
        throw new PlatformException(what, PlatformException.Kind.TRANSIENT, null, null);
      }
      throw new PlatformException(what, PlatformException.Kind.FATAL, null, null);
    }
  }

  private HttpResponse<String> send(
      String method, String route, String path, @Nullable JsonNode body, Duration timeout)
      throws PlatformException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(timeout)
        .header("Authorization", "Bot " + token)
        .header("User-Agent", userAgent)
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      boolean notSent = e instanceof ConnectException
          || e instanceof HttpConnectTimeoutException
          || e.getCause() instanceof ConnectException
          || e.getCause() instanceof UnresolvedAddressException;
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

  /** Discord's error: {"code": 50035, "message": "Invalid Form Body"}. */
  private static String describe(JsonNode answer) {
    if (!answer.has("message")) {
      return "";
    }
    // Defaulting accessors only: an error body of odd types still describes the failure.
    return " (" + (answer.has("code") ? answer.path("code").asString("?") + " " : "")
        + answer.path("message").asString("?") + ")";
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
