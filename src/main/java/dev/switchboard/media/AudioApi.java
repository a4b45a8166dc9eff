package dev.switchboard.media;

import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.Durations;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One endpoint of an OpenAI-compatible audio API, and what its failures mean to a user: POSTs a
 * request with the bearer key, waits at most the configured timeout for the whole answer (body
 * included: a server that sends its headers and then stalls is given up on too), reads at most
 * a given number of bytes, and turns every failure into a {@link VoiceException} that names the
 * server and the setting to check. No message ever contains the key: the server's own error
 * text is masked (the key itself, and anything shaped like a key or a bearer token).
 */
final class AudioApi implements AutoCloseable {
  static final int SHOWN_SERVER_TEXT = 300;
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern KEY_LIKE = Pattern.compile(
      "(sk-|gsk_|Bearer\\s+|key[=:]\\s*)[A-Za-z0-9._~+/\\-]{6,}", Pattern.CASE_INSENSITIVE);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The settings a failure message points at. */
  record Keys(
      ConfigKey<String> baseUrl,
      ConfigKey<String> apiKey,
      ConfigKey<String> model,
      ConfigKey<Duration> timeout) {}

  private final String service;
  private final URI baseUrl;
  private final URI endpoint;
  private final @Nullable String apiKey;
  private final String model;
  private final Duration timeout;
  private final Duration connectTimeout;
  private final Keys keys;
  private final ExecutorService executor;
  private final HttpClient http;

  /**
   * @param service what the server does, for messages: "transcription", "speech"
   * @param path appended to the base URL: "/audio/transcriptions"
   */
  AudioApi(
      String service,
      URI baseUrl,
      String path,
      @Nullable String apiKey,
      String model,
      Duration timeout,
      Keys keys) {
    this.service = service;
    this.baseUrl = baseUrl;
    this.endpoint = URI.create(baseUrl + path);
    this.apiKey = apiKey;
    this.model = model;
    this.timeout = timeout;
    this.connectTimeout =
        timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT;
    this.keys = keys;
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    // HTTP/1.1: no h2c upgrade attempt on plain http, which some local servers mishandle.
    this.http = HttpClient.newBuilder()
        .executor(executor)
        .connectTimeout(connectTimeout)
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** "POST http://host:port/v1/audio/transcriptions", for log details. */
  String shownEndpoint() {
    return "POST " + endpoint;
  }

  /**
   * Sends the request and returns its answer, whose status is 2xx.
   *
   * @param what the payload, for a 413's message: "the voice note (31.0 MiB)"
   * @param maxAnswerBytes a longer answer is a failure, not read on
   */
  HttpResponse<byte[]> post(
      String contentType, HttpRequest.BodyPublisher body, String what, long maxAnswerBytes)
      throws VoiceException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .header("Content-Type", contentType)
        .header("Accept", "application/json, audio/*")
        .POST(body);
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    CompletableFuture<HttpResponse<byte[]>> sent =
        http.sendAsync(request.build(), LimitedBody.upTo(maxAnswerBytes));
    HttpResponse<byte[]> response;
    try {
      response = sent.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      sent.cancel(true);
      throw timedOut(e);
    } catch (InterruptedException e) {
      sent.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw forIo(e.getCause() == null ? e : e.getCause(), maxAnswerBytes);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw forStatus(status, new String(response.body(), StandardCharsets.UTF_8), what);
    }
    return response;
  }

  /** The parts of an error body that servers of this API send. */
  record ServerError(@Nullable String message, @Nullable String code) {
    /**
     * OpenAI's and Groq's {@code {"error":{"message","type","code"}}}, whisper.cpp's
     * {@code {"error":"text"}}, FastAPI servers' {@code {"detail": ...}}, or the text itself.
     */
    static ServerError parse(@Nullable String body) {
      if (body == null || body.isBlank()) {
        return new ServerError(null, null);
      }
      try {
        JsonNode root = JSON.readTree(body);
        JsonNode error = root.path("error");
        if (error.isObject()) {
          return new ServerError(text(error.path("message")), text(error.path("code")));
        }
        for (String field : new String[] {"error", "detail", "message"}) {
          JsonNode node = root.path(field);
          if (!node.isMissingNode() && !node.isNull()) {
            return new ServerError(text(node), null);
          }
        }
        return new ServerError(body.strip(), null);
      } catch (JacksonException e) {
        return new ServerError(body.strip(), null);
      }
    }

    private static @Nullable String text(JsonNode node) {
      if (node.isMissingNode() || node.isNull()) {
        return null;
      }
      return node.isString() ? node.stringValue() : node.toString();
    }
  }

  VoiceException forStatus(int status, @Nullable String body, String what) {
    ServerError error = ServerError.parse(body);
    String server = mask(error.message());
    String detail = shownEndpoint() + ": HTTP " + status
        + (error.code() == null ? "" : " (" + mask(error.code()) + ")")
        + (server == null ? "" : ": " + server);
    String lower = error.message() == null ? "" : error.message().toLowerCase(Locale.ROOT);
    String at = "The " + service + " server at " + baseUrl;
    String user;
    if (status == 401 || status == 403) {
      user = apiKey == null
          ? at + " wants an API key (HTTP " + status + "): set " + keys.apiKey().where() + "."
          : at + " refused the API key (HTTP " + status + "): check "
              + keys.apiKey().where() + ".";
    } else if ("model_not_found".equals(error.code())
        || (status == 404 && lower.contains("model"))) {
      user = at + " does not know the model '" + model + "' (HTTP " + status + "): check "
          + keys.model().where() + ".";
    } else if (status == 404) {
      user = "No " + service + " API at " + endpoint + " (HTTP 404): check "
          + keys.baseUrl().where() + "; it usually ends in /v1.";
    } else if (status == 413) {
      user = at + " refused " + what + " as too large (HTTP 413).";
    } else if ("insufficient_quota".equals(error.code())) {
      user = "The API account of the " + service + " server has run out of quota"
          + (server == null ? "." : ": " + server);
    } else if (status == 429) {
      user = at + " is rate-limiting requests (HTTP 429); try again in a while.";
    } else if (status >= 500) {
      user = at + " failed (HTTP " + status + ")" + (server == null ? "." : ": " + server);
    } else {
      user = at + " answered HTTP " + status + (server == null ? "." : ": " + server);
    }
    return new VoiceException(user, detail, null);
  }

  VoiceException forIo(Throwable failure, long maxAnswerBytes) {
    String where = hostPort();
    String detail = shownEndpoint() + ": " + describe(failure);
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof LimitedBody.TooLarge) {
        return new VoiceException(
            "The " + service + " server at " + baseUrl + " sent more than " + maxAnswerBytes / 1024
                + " KiB; I did not read it.",
            detail,
            null);
      }
      if (t instanceof HttpConnectTimeoutException) {
        return new VoiceException(
            "Cannot reach the " + service + " server at " + where + ": no connection within "
                + Durations.format(connectTimeout) + ".",
            detail,
            null);
      }
      if (t instanceof HttpTimeoutException) {
        return timedOut(t);
      }
      if (t instanceof ConnectException) {
        return new VoiceException(
            "Cannot reach the " + service + " server at " + where
                + " (connection refused): is it running? Check "
                + keys.baseUrl().where() + ".",
            detail,
            null);
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return new VoiceException(
            "Cannot reach the " + service + " server: unknown host " + baseUrl.getHost() + ".",
            detail,
            null);
      }
      if (t instanceof SSLException) {
        return new VoiceException(
            "The secure connection to the " + service + " server at " + where + " failed: "
                + mask(t.getMessage()),
            detail,
            null);
      }
    }
    return new VoiceException(
        "The connection to the " + service + " server at " + where + " failed: "
            + describe(failure),
        detail,
        null);
  }

  private VoiceException timedOut(Throwable e) {
    String s = Durations.format(timeout);
    return new VoiceException(
        "No answer from the " + service + " server at " + baseUrl + " within " + s + " ("
            + keys.timeout().path() + ").",
        shownEndpoint() + ": no complete answer within " + s + " (" + describe(e) + ")",
        null);
  }

  /** An answer that is not what the API promises, for messages. */
  VoiceException unreadable(String userWhat, String detailWhat) {
    return new VoiceException(
        "The " + service + " server at " + baseUrl + " sent " + userWhat + ".",
        shownEndpoint() + ": " + mask(detailWhat),
        null);
  }

  /** "host:port", the port filled in from the scheme when the URL has none. */
  private String hostPort() {
    int port = baseUrl.getPort();
    if (port < 0) {
      port = "https".equalsIgnoreCase(baseUrl.getScheme()) ? 443 : 80;
    }
    return baseUrl.getHost() + ":" + port;
  }

  private String describe(Throwable e) {
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
    if (apiKey != null && apiKey.length() >= 4) {
      out = out.replace(apiKey, "****");
    }
    out = KEY_LIKE.matcher(out).replaceAll("$1****");
    out = out.replaceAll("\\s+", " ");
    if (out.length() > SHOWN_SERVER_TEXT) {
      out = out.substring(0, SHOWN_SERVER_TEXT - 1) + "\u2026";
    }
    return out;
  }

  @Override
  public void close() {
    http.shutdownNow();
    executor.shutdownNow();
  }
}
