package dev.switchboard.platform.slack;

import dev.switchboard.common.HttpCalls;
import dev.switchboard.common.Sleeper;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Slack's Web API: POST {base}/{method} with a JSON or form-encoded body and a bearer token.
 * Slack answers 200 with {"ok": false, "error": "..."} for most failures ({@link Refused}: a
 * refusal of the message itself, such as {@code msg_too_long}, is {@link
 * PlatformException.Kind#REFUSED}) and
 * 429 with Retry-After (seconds) when a method's tier is exceeded; a 429 is waited out and
 * retried within the call's deadline. Messages never contain a token.
 */
final class SlackWebApi {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_429_RETRIES = 5;
  private static final long MAX_RETRY_AFTER_S = 86_400;
  /** Errors worth another try; the others (the token, the scopes, the channel) are fatal. */
  private static final Set<String> TRANSIENT = Set.of(
      "internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited");

  /**
   * chat.postMessage's and chat.update's refusals of the message itself: too long, or content
   * Slack cannot take as it is. A smaller or plainer message may go.
   */
  private static final Set<String> MESSAGE_REFUSED = Set.of(
      "msg_too_long",
      "msg_blocks_too_long",
      "no_text",
      "invalid_blocks",
      "invalid_blocks_format",
      "invalid_attachments",
      "too_many_attachments",
      "markdown_text_conflict");

  private final HttpClient http;
  private final URI base;
  private final Sleeper sleeper;

  SlackWebApi(HttpClient http, URI base, Sleeper sleeper) {
    this.http = http;
    this.base = base;
    this.sleeper = sleeper;
  }

  /**
   * Slack's own {"ok": false} answer: {@link #error} is its error code, {@link #needed} the
   * scope it asked for with {@code missing_scope}.
   */
  static final class Refused extends PlatformException {
    private static final long serialVersionUID = 1L;
    private final String error;
    private final String needed;

    Refused(String method, String error, String needed) {
      super(method + ": " + error, kindOf(error), null, null, error);
      this.error = error;
      this.needed = needed;
    }

    String error() {
      return error;
    }

    /** The scope Slack said the method needs; empty when it did not say. */
    String needed() {
      return needed;
    }
  }

  private static PlatformException.Kind kindOf(String error) {
    if (TRANSIENT.contains(error)) {
      return PlatformException.Kind.TRANSIENT;
    }
    return MESSAGE_REFUSED.contains(error)
        ? PlatformException.Kind.REFUSED
        : PlatformException.Kind.FATAL;
  }

  /** @param body null for none (an empty object is sent) */
  JsonNode call(String method, String token, @Nullable JsonNode body, Duration deadline)
      throws PlatformException, InterruptedException {
    return call(
        method,
        token,
        "application/json; charset=utf-8",
        body == null ? "{}" : body.toString(),
        deadline);
  }

  /**
   * The method with form-encoded arguments: Slack takes them for every method, and its own SDKs
   * send the files methods this way (older pages list only this encoding for
   * files.getUploadURLExternal).
   */
  JsonNode callForm(String method, String token, Map<String, String> fields, Duration deadline)
      throws PlatformException, InterruptedException {
    StringJoiner form = new StringJoiner("&");
    fields.forEach((k, v) -> form.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return call(method, token, "application/x-www-form-urlencoded", form.toString(), deadline);
  }

  private JsonNode call(
      String method, String token, String contentType, String body, Duration deadline)
      throws PlatformException, InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> response = send(
          method, token, contentType, body, Duration.ofNanos(Math.max(1, end - System.nanoTime())));
      if (response.statusCode() == 429) {
        Duration wait = retryAfter(response);
        if (attempt >= MAX_429_RETRIES || System.nanoTime() + wait.toNanos() > end) {
          throw new PlatformException(
              method + ": rate limited (429, Retry-After " + wait.toSeconds() + " s)",
              PlatformException.Kind.RATE_LIMITED,
              wait,
              null);
        }
        sleeper.sleep(wait);
        continue;
      }
      JsonNode answer;
      try {
        answer = JSON.readTree(response.body());
      } catch (JacksonException e) {
        answer = null;
      }
      if (answer == null || !answer.has("ok")) {
        throw new PlatformException(
            method + ": unreadable answer (HTTP " + response.statusCode() + ")",
            response.statusCode() >= 500
                ? PlatformException.Kind.TRANSIENT
                : PlatformException.Kind.UNKNOWN_OUTCOME,
            null,
            null);
      }
      if (answer.path("ok").asBoolean(false)) {
        return answer;
      }
      String error = answer.path("error").asString("unknown_error");
      throw new Refused(method, error, answer.path("needed").asString(""));
    }
  }

  private HttpResponse<String> send(
      String method, String token, String contentType, String body, Duration timeout)
      throws PlatformException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/" + method))
        .timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      boolean notSent = HttpCalls.notSent(e);
      throw new PlatformException(
          method + ": " + e.getClass().getSimpleName(),
          notSent ? PlatformException.Kind.TRANSIENT : PlatformException.Kind.UNKNOWN_OUTCOME,
          null,
          e);
    }
  }

  /**
   * Retry-After in seconds, held to 0 s .. a day: one beyond that (Long.MAX_VALUE, say) would
   * overflow the deadline arithmetic; it is beyond any call's deadline either way.
   */
  static Duration retryAfter(HttpResponse<?> response) {
    try {
      long seconds = Long.parseLong(
          response.headers().firstValue("Retry-After").orElse("1").strip());
      return Duration.ofSeconds(Math.clamp(seconds, 0, MAX_RETRY_AFTER_S));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }
}
