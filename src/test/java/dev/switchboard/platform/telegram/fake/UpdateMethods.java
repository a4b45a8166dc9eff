package dev.switchboard.platform.telegram.fake;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.ObjectNode;

/** getUpdates, setWebhook, deleteWebhook and getWebhookInfo. */
final class UpdateMethods implements AutoCloseable {
  /** Telegram's upper bound for the getUpdates timeout, in seconds. */
  static final int MAX_POLL_TIMEOUT = 50;

  private final UpdateQueue queue;
  private final JsonMapper json;
  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock:
  private WebhookDelivery webhook;
  private int maxConnections;

  UpdateMethods(UpdateQueue queue, JsonMapper json) {
    this.queue = queue;
    this.json = json;
  }

  ApiResult getUpdates(ApiRequest r) {
    long offset = r.intArg("offset", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    int limit = r.intArg("limit", 100, 1, 100);
    int timeout = r.intArg("timeout", 0, 0, MAX_POLL_TIMEOUT);
    setAllowedUpdates(r);
    ArrayNode result = json.createArrayNode();
    queue.poll(offset, limit, timeout).forEach(result::add);
    return ApiResult.of(result);
  }

  private void setAllowedUpdates(ApiRequest r) {
    JsonNode allowed = r.nested("allowed_updates").orElse(null);
    if (allowed == null) {
      return;
    }
    if (!allowed.isArray()) {
      throw ApiException.badRequest("can't parse allowed_updates JSON object");
    }
    List<String> types = new ArrayList<>();
    allowed.forEach(t -> types.add(t.asString()));
    queue.setAllowedUpdates(types);
  }

  ApiResult setWebhook(ApiRequest r) {
    String url = r.string("url").orElse("").strip();
    if (url.isEmpty()) {
      return deleteWebhook(r);
    }
    URI uri = webhookUri(url);
    String secret = r.string("secret_token").filter(s -> !s.isEmpty()).orElse(null);
    if (secret != null && secret.length() > 256) {
      throw ApiException.badRequest("secret token is too long");
    }
    if (secret != null && !secret.matches("[A-Za-z0-9_-]+")) {
      throw ApiException.badRequest("secret token contains unallowed characters");
    }
    int connections = r.intArg("max_connections", 40, 1, 100);
    setAllowedUpdates(r);
    lock.lock();
    try {
      if (r.bool("drop_pending_updates")) {
        queue.dropPending();
      }
      if (webhook != null
          && webhook.url().equals(uri)
          && Objects.equals(webhook.secret(), secret)
          && maxConnections == connections) {
        return new ApiResult(BooleanNode.TRUE, "Webhook is already set");
      }
      stopWebhook();
      maxConnections = connections;
      webhook = WebhookDelivery.start(queue, json, uri, secret, queue.activateWebhook());
      return new ApiResult(BooleanNode.TRUE, "Webhook was set");
    } finally {
      lock.unlock();
    }
  }

  /**
   * Telegram demands HTTPS on ports 443, 80, 88 or 8443; the fake delivers to plain HTTP on any
   * port, since the test's receiver runs on loopback.
   */
  private static URI webhookUri(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw ApiException.badRequest("bad webhook: An HTTPS URL must be provided for webhook");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw ApiException.badRequest("bad webhook: Wrong URL specified");
    }
  }

  ApiResult deleteWebhook(ApiRequest r) {
    lock.lock();
    try {
      boolean was = webhook != null;
      stopWebhook();
      if (r.bool("drop_pending_updates")) {
        queue.dropPending();
      }
      return new ApiResult(
          BooleanNode.TRUE, was ? "Webhook was deleted" : "Webhook is already deleted");
    } finally {
      lock.unlock();
    }
  }

  ApiResult getWebhookInfo(ApiRequest r) {
    lock.lock();
    try {
      ObjectNode info = json.createObjectNode();
      info.put("url", webhook == null ? "" : webhook.url().toString());
      info.put("has_custom_certificate", false);
      info.put("pending_update_count", queue.pendingCount());
      if (webhook != null) {
        webhook.lastError().ifPresent(e -> {
          info.put("last_error_date", e.date().getEpochSecond());
          info.put("last_error_message", e.message());
        });
        info.put("max_connections", maxConnections);
        List<String> allowed = queue.allowedUpdates();
        if (!allowed.isEmpty()) {
          ArrayNode a = info.putArray("allowed_updates");
          allowed.forEach(a::add);
        }
      }
      return ApiResult.of(info);
    } finally {
      lock.unlock();
    }
  }

  private void stopWebhook() {
    if (webhook != null) {
      queue.deactivateWebhook();
      webhook.stop();
      webhook = null;
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      stopWebhook();
    } finally {
      lock.unlock();
    }
  }
}
