package dev.switchboard.platform.whatsapp.fake;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Meta's side of the webhook: each delivery is POSTed as JSON with {@code X-Hub-Signature-256:
 * sha256=<hex HMAC-SHA256 of the body with the app secret>}, one at a time and in order, until
 * the webhook answers 200. An unanswered or refused delivery is sent again, the same bytes, after
 * a backoff of 50 ms doubling to 1 s (Meta retries for up to seven days, with growing delays;
 * the fake never gives up, so tests see every retry). Every attempt is kept; {@link
 * #loseAnswers} makes even a 200 count as unanswered.
 */
public final class WebhookSender implements AutoCloseable {
  public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  /** One POST of a delivery and what the webhook answered: 0 when it did not answer. */
  public record Attempt(long delivery, int status) {}

  private record Delivery(long id, byte[] body) {}

  private final String appSecret;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Deque<Delivery> pending = new ArrayDeque<>();
  private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  private final Thread worker;
  private volatile URI url;
  private long nextId = 1;
  private boolean paused;
  private volatile boolean loseAnswers;

  WebhookSender(String appSecret) {
    this.appSecret = appSecret;
    this.worker = Thread.ofVirtual().name("fake-meta-webhook").start(this::run);
  }

  /** Where deliveries go (the app's Callback URL); until set, they wait. */
  void url(URI callback) {
    lock.lock();
    try {
      this.url = callback;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Holds deliveries back (true) or lets them go (false). */
  void pause(boolean pause) {
    lock.lock();
    try {
      paused = pause;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Answers the webhook gives are lost on the way back (true): Meta, having seen none, sends
   * each delivery again and again, as after a timeout, until this is turned off.
   */
  public void loseAnswers(boolean lose) {
    loseAnswers = lose;
  }

  /** Queues a delivery; returns its id. */
  long enqueue(byte[] body) {
    lock.lock();
    try {
      long id = nextId++;
      pending.addLast(new Delivery(id, body.clone()));
      changed.signalAll();
      return id;
    } finally {
      lock.unlock();
    }
  }

  /** Every attempt so far, in order. */
  public List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  /** Whether every queued delivery was answered 200. */
  public boolean idle() {
    lock.lock();
    try {
      return pending.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** {@code sha256=<hex>} for {@code body} with {@code secret}, as Meta signs. */
  public static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    try {
      while (true) {
        Delivery head;
        URI target;
        lock.lock();
        try {
          while (pending.isEmpty() || url == null || paused) {
            changed.await();
          }
          head = pending.peekFirst();
          target = url;
        } finally {
          lock.unlock();
        }
        int status = post(target, head.body());
        attempts.add(new Attempt(head.id(), status));
        if (status == 200 && !loseAnswers) {
          lock.lock();
          try {
            pending.removeFirst();
          } finally {
            lock.unlock();
          }
          backoff = FIRST_BACKOFF;
          continue;
        }
        lock.lock();
        try {
          changed.await(backoff.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
          lock.unlock();
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
            ? MAX_BACKOFF
            : backoff.multipliedBy(2);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int post(URI target, byte[] body) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(target)
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .header(SIGNATURE_HEADER, sign(appSecret, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    worker.interrupt();
    client.shutdownNow();
  }
}
