package dev.switchboard.platform.api;

import dev.switchboard.common.PrivateAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches an image a request names by its https: address into the request's spool, before the
 * turn, so that a failure is the client's 400 as with OpenAI (which also fetches the image when
 * the request comes) and the image's type is the one its server states. Only https:, only a
 * host whose every address is public (a request must not make the gateway fetch from the
 * machine or network it runs in: {@link PrivateAddresses}), redirects followed by hand (each
 * hop checked the same way, at most {@value #MAX_REDIRECTS}), within a time limit for the whole
 * fetch and {@link ContentParts#MAX_FILE_BYTES}.
 *
 * <p>The address is checked by resolving the host before connecting; a DNS server that
 * answers differently a moment later could still lead the connection elsewhere (DNS
 * rebinding), which the JDK's HTTP client gives no way to rule out.
 */
final class ImageFetcher {
  private static final Logger log = LoggerFactory.getLogger(ImageFetcher.class);
  static final int MAX_REDIRECTS = 3;
  static final Duration TIME_LIMIT = Duration.ofSeconds(60);

  private final HttpClient http;
  private final boolean allowPrivate;
  private final Duration timeLimit;

  ImageFetcher() {
    this(
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build(),
        false,
        TIME_LIMIT);
  }

  /** With {@code allowPrivate}, for tests whose servers are on this machine. */
  ImageFetcher(HttpClient http, boolean allowPrivate, Duration timeLimit) {
    this.http = http;
    this.allowPrivate = allowPrivate;
    this.timeLimit = timeLimit;
  }

  /** An image in the spool, with the type its server stated. */
  record Fetched(Path file, String mimeType, long size) {}

  Fetched fetch(URI address, Path into, String param, long maxBytes)
      throws ApiError, InterruptedException {
    long deadline = System.nanoTime() + timeLimit.toNanos();
    URI at = address;
    for (int hop = 0; ; hop++) {
      if (!"https".equalsIgnoreCase(at.getScheme()) || at.getHost() == null) {
        throw refused(param, at, "it redirects to an address that is not https:");
      }
      checkHost(param, at);
      HttpResponse<Long> response = get(at, into, param, maxBytes, deadline);
      int status = response.statusCode();
      Optional<String> location = response.headers().firstValue("location");
      if (status >= 300 && status < 400 && location.isPresent()) {
        if (hop >= MAX_REDIRECTS) {
          throw refused(param, at, "it redirects more than " + MAX_REDIRECTS + " times");
        }
        at = at.resolve(location.get());
        continue;
      }
      if (status != 200) {
        throw refused(param, at, "its server answered HTTP " + status);
      }
      String type = response
          .headers()
          .firstValue("content-type")
          .map(t -> t.replaceFirst(";.*$", "").strip().toLowerCase(Locale.ROOT))
          .orElse("");
      if (!type.startsWith("image/")) {
        throw refused(
            param,
            at,
            "it is not an image (its server says " + (type.isEmpty() ? "no type" : type) + ")");
      }
      long size = response.body();
      if (size == 0) {
        throw refused(param, at, "its server sent nothing");
      }
      return new Fetched(into, type, size);
    }
  }

  private void checkHost(String param, URI at) throws ApiError {
    if (allowPrivate) {
      return;
    }
    try {
      Optional<InetAddress> blocked = PrivateAddresses.firstPrivate(at.getHost());
      if (blocked.isPresent()) {
        throw refused(
            param,
            at,
            "its host is on this machine or a private network (" + blocked.get().getHostAddress()
                + "), which this server does not fetch from");
      }
    } catch (UnknownHostException e) {
      throw refused(param, at, "its host is not known");
    }
  }

  private HttpResponse<Long> get(URI at, Path into, String param, long maxBytes, long deadline)
      throws ApiError, InterruptedException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw refused(param, at, "fetching it took longer than " + timeLimit.toSeconds() + " s");
    }
    HttpRequest request = HttpRequest.newBuilder(at)
        .timeout(Duration.ofNanos(left))
        .header("Accept", "image/*")
        .GET()
        .build();
    CompletableFuture<HttpResponse<Long>> sent = http.sendAsync(
        request,
        info -> info.statusCode() == 200
            ? new ToFile(
                into,
                maxBytes,
                info.headers().firstValueAsLong("content-length").orElse(-1))
            : new Unread());
    try {
      return sent.get(left, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      sent.cancel(true);
      throw refused(param, at, "fetching it took longer than " + timeLimit.toSeconds() + " s");
    } catch (ExecutionException e) {
      @Nullable Throwable failure = e.getCause();
      Throwable cause = failure == null ? e : failure;
      if (cause instanceof HttpTimeoutException) {
        throw refused(param, at, "fetching it took longer than " + timeLimit.toSeconds() + " s");
      }
      if (cause instanceof TooLarge) {
        throw refused(
            param,
            at,
            "it is larger than " + maxBytes / (1024 * 1024) + " MB, the most one"
                + " file may have here");
      }
      log.info("api: fetching an image from {} failed: {}", at.getHost(), cause.toString());
      throw refused(
          param, at, "it could not be fetched (" + cause.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      sent.cancel(true);
      throw e;
    }
  }

  /** A 400 naming the part and the host, never the whole address (it may hold a token). */
  private static ApiError refused(String param, URI at, String why) {
    return ApiError.invalid(
        param, "could not fetch the image of " + param + " from " + at.getHost() + ": " + why);
  }

  /** Past the limit while the body arrives. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** A body not read at all (a redirect's, an error's): the connection is given up. */
  private static final class Unread implements HttpResponse.BodySubscriber<Long> {
    private final CompletableFuture<Long> done = new CompletableFuture<>();

    @Override
    public CompletionStage<Long> getBody() {
      return done;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.cancel();
      done.complete(-1L);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {}

    @Override
    public void onError(Throwable throwable) {
      done.complete(-1L);
    }

    @Override
    public void onComplete() {
      done.complete(-1L);
    }
  }

  /** Writes the body to a file, giving up once it passes the limit; completes with its size. */
  private static final class ToFile implements HttpResponse.BodySubscriber<Long> {
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private final Path file;
    private final long maxBytes;
    private final long declared;
    private @Nullable FileChannel out;
    private Flow.@Nullable Subscription subscription;
    private long written;

    ToFile(Path file, long maxBytes, long declared) {
      this.file = file;
      this.maxBytes = maxBytes;
      this.declared = declared;
    }

    @Override
    public CompletionStage<Long> getBody() {
      return done;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (declared > maxBytes) {
        fail(new TooLarge());
        return;
      }
      try {
        out =
            FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      } catch (IOException e) {
        fail(e);
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      FileChannel channel = out;
      if (done.isDone() || channel == null) {
        return;
      }
      try {
        for (ByteBuffer b : buffers) {
          written += b.remaining();
          if (written > maxBytes) {
            fail(new TooLarge());
            return;
          }
          while (b.hasRemaining()) {
            channel.write(b);
          }
        }
      } catch (IOException e) {
        fail(e);
      }
    }

    @Override
    public void onError(Throwable t) {
      close();
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      close();
      done.complete(written);
    }

    private void fail(Throwable t) {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      close();
      done.completeExceptionally(t);
    }

    private void close() {
      FileChannel channel = out;
      out = null;
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          log.debug("api: closing a fetched image: {}", e.toString());
        }
      }
    }
  }
}
