package dev.switchboard.platform.telegram.fake;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Delivers pending updates to a webhook, one at a time and in order: each is POSTed as JSON
 * (with X-Telegram-Bot-Api-Secret-Token when a secret is set) until the webhook answers 2xx,
 * with a backoff of 50 ms doubling to 1 s between failed attempts. Telegram gives up "after a
 * reasonable amount of attempts"; the fake never does, so tests see every retry.
 */
final class WebhookDelivery {
  static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  /** The last failure, for getWebhookInfo. */
  record LastError(Instant date, String message) {}

  private final UpdateQueue queue;
  private final JsonMapper json;
  private final URI url;
  private final String secret;
  private final long generation;
  private final HttpClient client;
  private final Thread worker;
  private volatile LastError lastError;

  private WebhookDelivery(
      UpdateQueue queue, JsonMapper json, URI url, String secret, long generation) {
    this.queue = queue;
    this.json = json;
    this.url = url;
    this.secret = secret;
    this.generation = generation;
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.worker = Thread.ofVirtual().name("fake-telegram-webhook").unstarted(this::run);
  }

  /** Starts delivering for {@code generation} (from {@link UpdateQueue#activateWebhook}). */
  static WebhookDelivery start(
      UpdateQueue queue, JsonMapper json, URI url, String secret, long generation) {
    WebhookDelivery d = new WebhookDelivery(queue, json, url, secret, generation);
    d.worker.start();
    return d;
  }

  URI url() {
    return url;
  }

  String secret() {
    return secret;
  }

  Optional<LastError> lastError() {
    return Optional.ofNullable(lastError);
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    try {
      while (true) {
        Optional<ObjectNode> next = queue.awaitWebhookHead(generation);
        if (next.isEmpty()) {
          return;
        }
        ObjectNode update = next.get();
        if (post(update)) {
          queue.acknowledge(generation, update.get("update_id").longValue());
          backoff = FIRST_BACKOFF;
          continue;
        }
        if (!queue.pauseWebhook(generation, backoff)) {
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
            ? MAX_BACKOFF
            : backoff.multipliedBy(2);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One attempt; true when the webhook answered 2xx. */
  private boolean post(ObjectNode update) throws InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(url)
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(update)));
    if (secret != null) {
      request.header(SECRET_HEADER, secret);
    }
    try {
      HttpResponse<Void> response =
          client.send(request.build(), HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 == 2) {
        return true;
      }
      lastError = new LastError(
          Instant.now(), "Wrong response from the webhook: " + statusLine(response.statusCode()));
    } catch (IOException e) {
      lastError = new LastError(
          Instant.now(), e.getMessage() == null ? "Connection refused" : e.getMessage());
    }
    return false;
  }

  private static String statusLine(int status) {
    String reason = switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "";
    };
    return reason.isEmpty() ? Integer.toString(status) : status + " " + reason;
  }

  /** Stops delivery (the queue generation must already have moved on) and waits for it. */
  void stop() {
    worker.interrupt();
    client.shutdownNow();
    try {
      if (!worker.join(Duration.ofSeconds(5))) {
        throw new IllegalStateException("webhook delivery did not stop");
      }
      client.awaitTermination(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
