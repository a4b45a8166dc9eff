package dev.switchboard.agent.openai;

import dev.switchboard.agent.AgentException;
import dev.switchboard.config.Durations;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns what went wrong into an {@link AgentException}: a message the chat can act on, and a
 * detail for the log. Neither ever contains the API key: the server's own error text is masked
 * (the key itself, and anything shaped like a key or a bearer token) and shortened.
 */
final class Failures {
  static final int SHOWN_SERVER_TEXT = 300;
  private static final Pattern KEY_LIKE = Pattern.compile(
      "(sk-|Bearer\\s+|key[=:]\\s*)[A-Za-z0-9._~+/\\-]{6,}", Pattern.CASE_INSENSITIVE);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final OpenAiSettings settings;

  Failures(OpenAiSettings settings) {
    this.settings = settings;
  }

  /** The parts of the error body {@code {"error":{"message","type","param","code"}}}. */
  record ServerError(
      @Nullable String message,
      @Nullable String type,
      @Nullable String code) {
    static ServerError parse(@Nullable String body) {
      if (body == null || body.isBlank()) {
        return new ServerError(null, null, null);
      }
      try {
        JsonNode root = JSON.readTree(body);
        JsonNode error = root.path("error");
        if (error.isObject()) {
          return new ServerError(
              text(error.path("message")), text(error.path("type")), text(error.path("code")));
        }
        if (error.isString()) { // some servers answer {"error": "text"}
          return new ServerError(error.stringValue(), null, null);
        }
        if (root.path("message").isString()) {
          return new ServerError(root.path("message").stringValue(), null, null);
        }
        return new ServerError(body.strip(), null, null);
      } catch (JacksonException e) {
        return new ServerError(body.strip(), null, null);
      }
    }

    static ServerError of(JsonNode error) {
      return error.isObject()
          ? new ServerError(
              text(error.path("message")), text(error.path("type")), text(error.path("code")))
          : new ServerError(text(error), null, null);
    }
  }

  static @Nullable String text(@Nullable JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return null;
    }
    return node.isString() ? node.stringValue() : node.toString();
  }

  /** Whether an HTTP status is worth retrying: rate limits and server errors. */
  static boolean retryable(int status, ServerError error) {
    if (status == 429) {
      // OpenAI's "out of money" is a 429 too, and waiting does not fix it.
      return !"insufficient_quota".equals(error.code());
    }
    return status >= 500 && status <= 599;
  }

  private String detail(int status, ServerError error) {
    String server = mask(error.message());
    return "POST " + settings.shownBaseUrl() + "/chat/completions: HTTP " + status
        + (error.code() == null ? "" : " (" + mask(error.code()) + ")")
        + (server == null ? "" : ": " + server);
  }

  /** The model takes no images and {@code agent.openai.vision} is on, so none is left out. */
  AgentException imagesRefused(int status, ServerError error, String model) {
    String server = mask(error.message());
    return new AgentException(
        "The model \"" + model + "\" does not take images (HTTP " + status
            + (server == null ? "" : ": " + server)
            + "). Use a model that can see, or set agent.openai.vision"
            + " (SWITCHBOARD_OPENAI_VISION) to auto or off.",
        detail(status, error),
        null);
  }

  AgentException forStatus(int status, ServerError error, String model, int retries) {
    String server = mask(error.message());
    String detail = detail(status, error);
    String lower = (error.message() == null ? "" : error.message()).toLowerCase(Locale.ROOT);
    String user;
    if (status == 401 || status == 403) {
      user = settings.apiKey() == null
          ? "The model server wants an API key (HTTP " + status + "): set OPENAI_API_KEY."
          : "The model server refused the API key (HTTP " + status + "): check OPENAI_API_KEY.";
    } else if ("model_not_found".equals(error.code())
        || (status == 404 && lower.contains("model"))) {
      user = "Unknown model \"" + model + "\" at " + settings.shownBaseUrl() + ". " + choices();
    } else if (status == 404) {
      user = "No chat completions API at " + settings.shownBaseUrl()
          + "/chat/completions (HTTP 404): check agent.openai.base_url (OPENAI_BASE_URL);"
          + " it usually ends in /v1.";
    } else if ("context_length_exceeded".equals(error.code())
        || lower.contains("context length")
        || lower.contains("context window")
        || lower.contains("maximum context")) {
      user = "This conversation is too long for the model: send /new to start a new one.";
    } else if ("insufficient_quota".equals(error.code())) {
      user = "The API account has run out of quota" + (server == null ? "." : ": " + server);
    } else if (status == 429) {
      user = "The model server is rate-limiting requests (HTTP 429)"
          + (retries > 0 ? " and still was after " + retries + " retries" : "")
          + "; try again in a while.";
    } else if (status >= 500) {
      user = "The model server failed (HTTP " + status + ")"
          + (retries > 0 ? " " + (retries + 1) + " times" : "")
          + (server == null ? "." : ": " + server);
    } else {
      user = "The model server answered HTTP " + status + (server == null ? "." : ": " + server);
    }
    return new AgentException(user, detail, null);
  }

  private String choices() {
    return settings.models().isEmpty()
        ? "Set agent.openai.model (SWITCHBOARD_MODEL) to a model the server has; the configured"
            + " one is \"" + settings.model() + "\"."
        : "Configured choices: " + String.join(", ", settings.models()) + ".";
  }

  /** An error event inside a stream or a 200 body: {@code {"error":{...}}}. */
  AgentException inBody(JsonNode errorNode, String model) {
    ServerError error = ServerError.of(errorNode);
    int status = "context_length_exceeded".equals(error.code()) ? 400 : 500;
    AgentException e = forStatus(status, error, model, 0);
    return error.code() == null && status == 500
        ? new AgentException(
            "The model server reported an error"
                + (error.message() == null ? "." : ": " + mask(error.message())),
            e.getMessage(),
            null)
        : e;
  }

  AgentException forIo(Throwable failure, boolean textShown) {
    Throwable e = failure;
    while ((e instanceof ExecutionException || e instanceof CompletionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    String where = settings.hostPort();
    String detail = "POST " + settings.shownBaseUrl() + "/chat/completions: " + describe(e);
    if (textShown) {
      return new AgentException(
          "The connection to the model broke off mid-reply; the reply" + " above is incomplete.",
          detail,
          null);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      // Jetty's client reports its connect timeout as a socket timeout; model calls have no
      // other timeout of the client's (the call's own watchdog ends a silent exchange).
      if (t instanceof HttpConnectTimeoutException || t instanceof SocketTimeoutException) {
        return new AgentException(
            "Cannot reach the model server at " + where + ": no connection within "
                + Durations.format(settings.connectTimeout()) + ".",
            detail,
            null);
      }
      if (t instanceof ConnectException) {
        return new AgentException(
            "Cannot reach the model server at " + where
                + " (connection refused): is it running? Check agent.openai.base_url"
                + " (OPENAI_BASE_URL).",
            detail,
            null);
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return new AgentException(
            "Cannot reach the model server: unknown host " + settings.baseUrl().getHost() + ".",
            detail,
            null);
      }
      if (t instanceof SSLException) {
        return new AgentException(
            "The secure connection to " + where + " failed: " + mask(t.getMessage()), detail, null);
      }
    }
    return new AgentException(
        "The connection to the model server at " + where + " failed: " + describe(e), detail, null);
  }

  AgentException idle() {
    String s = Durations.format(settings.idleTimeout());
    return new AgentException(
        "The model sent nothing for " + s + ", so I gave up on this" + " reply.",
        "no data from " + settings.shownBaseUrl() + " for " + s,
        null);
  }

  AgentException turnTimeout() {
    String s = Durations.format(settings.turnTimeout());
    return new AgentException(
        "No answer from the model within " + s + ".", "turn timeout of " + s + " reached", null);
  }

  AgentException brokenOff() {
    return new AgentException(
        "The model's reply broke off before it was complete; the reply" + " above is incomplete.",
        "stream from " + settings.shownBaseUrl() + " ended without finish_reason or [DONE]",
        null);
  }

  AgentException malformed(String what) {
    return new AgentException(
        "The model server sent an answer I could not read.",
        "unreadable answer from " + settings.shownBaseUrl() + ": " + mask(what),
        null);
  }

  private String describe(Throwable e) {
    if (e instanceof EOFException) {
      // Jetty's says which of its connections it was, and nothing a reader needs
      return "the server closed the connection";
    }
    String m = mask(e.getMessage());
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** The text with secrets replaced by ****, shortened to {@value #SHOWN_SERVER_TEXT} chars. */
  @Nullable
  String mask(@Nullable String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String out = s.strip();
    if (settings.apiKey() != null && settings.apiKey().length() >= 4) {
      out = out.replace(settings.apiKey(), "****");
    }
    out = KEY_LIKE.matcher(out).replaceAll("$1****");
    out = out.replaceAll("\\s+", " ");
    if (out.length() > SHOWN_SERVER_TEXT) {
      out = out.substring(0, SHOWN_SERVER_TEXT - 1) + "\u2026";
    }
    return out;
  }

  /**
   * A {@code Retry-After} value: whole seconds, or an HTTP-date; null when absent or unreadable.
   * A date in the past means now.
   */
  static @Nullable Duration retryAfter(@Nullable String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String v = header.strip();
    if (v.matches("\\d{1,9}")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
