package dev.switchboard.http;

import dev.switchboard.common.Ticker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * A hardened HTTP server on Jetty: the gateway's one server (web chat, API, admin page, health,
 * metrics) and the Telegram webhook's listener are both one of these, so both get the same
 * limits a server facing a browser, a script or the internet needs: bounded threads (requests
 * run on virtual threads); connections bounded in all and per client address, where a new one
 * pushes out the one that has waited longest without a request rather than waiting behind it
 * ({@link ConnectionGuard}); a deadline for a request's headers, an idle timeout and a minimum
 * data rate for bodies; bounded request bodies and headers; {@code X-Forwarded-*} believed
 * only from trusted proxies; no Server header, and no version, exception or stack trace in any
 * answer (errors are JSON, {@link JsonErrors}). Bound to loopback unless configured otherwise.
 */
// "try": close() passes on Jetty's stop(), which declares Exception (InterruptedException too).
@SuppressWarnings("try")
public final class HttpServer implements AutoCloseable {
  public static final long MAX_REQUEST_BYTES = 1 << 20;
  static final int MAX_HEADER_BYTES = 16 * 1024;

  /**
   * A body refused for its declared length is read and dropped before the 413 up to this size,
   * so the client reads the answer; a larger one ends the connection instead.
   */
  static final long OVERSIZED_BODY_READ_LIMIT = 8 * MAX_REQUEST_BYTES;

  static final int MAX_THREADS = 64;
  static final long IDLE_TIMEOUT_MS = ConnectionLimits.DEFAULT.idleTimeout().toMillis();
  private static final long STOP_TIMEOUT_MS = 2_000;
  static final long SHUTDOWN_IDLE_TIMEOUT_MS = 100;

  /**
   * Jetty pads its queues against false sharing by the number of object references in a cache
   * line. Unless told, it asks the JMX platform MBean server whether oops are compressed, and
   * starting that server (every platform MXBean registered) took a tenth of a start's time in a
   * profile; a restart's time to ready is what users wait for. 64-byte lines of 4-byte
   * references: the JVM compresses oops for every heap under 32 GB, far above ours.
   */
  static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

  static {
    if (System.getProperty(REFERENCES_PER_CACHE_LINE) == null) {
      System.setProperty(REFERENCES_PER_CACHE_LINE, "16");
    }
  }

  private final Server server;
  private final ServerConnector connector;
  private final ConnectionGuard guard;
  private final PathMappingsHandler routes = new PathMappingsHandler();
  private final JsonErrors errors = new JsonErrors();
  private final HttpListener listener;
  private final StandbyForwarding forwarding;
  private volatile @Nullable LoginToken loginToken;

  /**
   * The login token of everything this server serves that asks for a login (the web chat, the
   * admin page): one per server, so that a logout through any of them is one record. Set
   * before anything is mounted; null (the default) when no login is asked for.
   */
  public void loginToken(@Nullable LoginToken token) {
    this.loginToken = token;
  }

  /** See {@link #loginToken(LoginToken)}. */
  public @Nullable LoginToken loginToken() {
    return loginToken;
  }

  /** The gateway's server with the default limits and no trusted proxy. */
  public HttpServer(String host, int port) {
    this(HttpListener.gateway(host, port, TrustedProxies.none()));
  }

  public HttpServer(HttpListener listener) {
    this.listener = listener;
    ConnectionLimits limits = listener.limits();
    QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS);
    pool.setName(listener.name());
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server = new Server(pool);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    config.setRequestHeaderSize(MAX_HEADER_BYTES);
    config.setResponseHeaderSize(MAX_HEADER_BYTES);
    if (!listener.trustedProxies().isEmpty()) {
      config.addCustomizer(new TrustedForwarding(listener.trustedProxies()));
    }
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
    connector.setHost(listener.host());
    connector.setPort(listener.port());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    // Room for a burst of connects while the one acceptor catches up: a probe that arrives
    // in a flood is queued by the kernel, not dropped.
    connector.setAcceptQueueSize(limits.total());
    // At stop, a browser's idle keep-alive connection is closed at once instead of holding
    // the graceful stop for its whole timeout (every stop and restart would take 2 s more).
    connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT_MS);
    guard = new ConnectionGuard(
        listener.name(),
        limits,
        listener.trustedProxies(),
        connector.getScheduler(),
        Ticker.system());
    connector.addEventListener(guard);
    server.addConnector(connector);
    server.setStopTimeout(STOP_TIMEOUT_MS);
    server.setErrorHandler(errors);
    // Each route bounds its request bodies itself (route): most at MAX_REQUEST_BYTES.
    // Write rate 0: event streams bound their own writes (EventStream.WRITE_TIMEOUT_SECONDS).
    forwarding = new StandbyForwarding(notFoundOtherwise(routes));
    MinimumDataRateHandler rate =
        new MinimumDataRateHandler(forwarding, limits.minRequestBytesPerSecond(), 0);
    server.setHandler(guard.tracking(rate));
  }

  /**
   * Serves {@code path} (exact, or a prefix written {@code /api/*}) with {@code handler}, with
   * request bodies of at most {@link #MAX_REQUEST_BYTES}.
   */
  public HttpServer route(String path, Handler handler) {
    return route(path, handler, MAX_REQUEST_BYTES);
  }

  /**
   * Serves {@code path} with {@code handler}, with request bodies of at most {@code
   * maxRequestBytes}: a larger one is refused with 413 (before the handler runs when its
   * Content-Length says so, else when the handler reads past the limit).
   */
  public HttpServer route(String path, Handler handler, long maxRequestBytes) {
    if (server.isStarted()) {
      throw new IllegalStateException("routes are added before the server starts");
    }
    SizeLimitHandler size = new SizeLimitHandler(maxRequestBytes, -1);
    size.setHandler(handler);
    routes.addMapping(PathSpec.from(path), new Handler.Wrapper(size) {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        // The error page names the limit of the route that refused the body.
        request.setAttribute(JsonErrors.BODY_LIMIT, maxRequestBytes);
        if (request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) > maxRequestBytes) {
          // Refused by its length alone: a client still sending it would meet the connection
          // closing under it and never read the 413 (see JsonExchange.settleUnusedBody).
          JsonExchange.settleUnusedBody(request, response, OVERSIZED_BODY_READ_LIMIT);
        }
        return super.handle(request, response, callback);
      }
    });
    return this;
  }

  /**
   * Answers a path with no route 404 here rather than leaving it to Jetty, so that its body is
   * read and dropped first ({@link JsonExchange#settleUnusedBody}): Jetty would close the
   * connection under a client still sending it.
   */
  private static Handler notFoundOtherwise(Handler routes) {
    return new Handler.Wrapper(routes) {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        if (!super.handle(request, response, callback)) {
          JsonExchange.settleUnusedBody(request, response);
          Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
        }
        return true;
      }

      // It may read a body, which blocks: never to be called on one of Jetty's selector threads.
      @Override
      public InvocationType getInvocationType() {
        return InvocationType.BLOCKING;
      }
    };
  }

  /**
   * While {@code active} names the active gateway on a shared database (this one stands by),
   * hands it every request except this instance's health and metrics and the command line's
   * own ({@link StandbyForwarding}).
   */
  public HttpServer forwardWhileStandingBy(Supplier<Optional<URI>> active) {
    if (server.isStarted()) {
      throw new IllegalStateException("forwarding is set before the server starts");
    }
    forwarding.forwardTo(active);
    return this;
  }

  /** The header the command line sends so that a standby serves its request itself. */
  public static String thisInstanceHeader() {
    return StandbyForwarding.THIS_INSTANCE;
  }

  /**
   * Errors the server answers itself (no such path, a body over the limit) for paths starting
   * with {@code pathPrefix} take {@code body}'s shape instead of {@code {"error": "..."}}.
   */
  public HttpServer errorsUnder(String pathPrefix, ErrorBody body) {
    errors.under(pathPrefix, body);
    return this;
  }

  /** Listens; the address tells the port chosen when 0 was configured. */
  public InetSocketAddress start() throws IOException {
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly();
      throw new IOException(
          "cannot listen on " + listener.host() + ":" + listener.port() + ": " + reason(e) + "; "
              + listener.portHint(),
          e);
    } catch (Exception e) {
      stopQuietly();
      throw new IOException(listener.name() + ": the HTTP server did not start: " + e, e);
    }
    return new InetSocketAddress(listener.host(), connector.getLocalPort());
  }

  /** Connections open now, for tests of the limits. */
  int openConnections() {
    return guard.size();
  }

  @SuppressWarnings("ReferenceEquality") // a cause that is its own cause ends the walk
  private static String reason(IOException e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception ignored) {
      // nothing started that needs stopping
    }
  }

  /** Stops listening; requests still running get {@value #STOP_TIMEOUT_MS} ms to finish. */
  @Override
  public void close() throws Exception {
    server.stop();
  }
}
