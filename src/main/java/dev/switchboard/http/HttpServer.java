package dev.switchboard.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The gateway's one HTTP server (web chat, API, admin page, health, metrics), on Jetty with
 * limits a server facing a browser or a script needs: bounded threads (requests run on virtual
 * threads), bounded connections, request bodies and headers, idle connections closed, and no
 * version or stack trace in any answer. Bound to loopback unless configured otherwise.
 */
// "try": close() passes on Jetty's stop(), which declares Exception (InterruptedException too).
@SuppressWarnings("try")
public final class HttpServer implements AutoCloseable {
  public static final long MAX_REQUEST_BYTES = 1 << 20;
  static final int MAX_HEADER_BYTES = 16 * 1024;
  static final int MAX_CONNECTIONS = 512;
  static final int MAX_THREADS = 64;
  static final long IDLE_TIMEOUT_MS = 30_000;
  private static final long STOP_TIMEOUT_MS = 2_000;
  static final long SHUTDOWN_IDLE_TIMEOUT_MS = 100;

  private final Server server;
  private final ServerConnector connector;
  private final PathMappingsHandler routes = new PathMappingsHandler();
  private final String host;
  private final int port;

  public HttpServer(String host, int port) {
    this.host = host;
    this.port = port;
    QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS);
    pool.setName("http");
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server = new Server(pool);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    config.setRequestHeaderSize(MAX_HEADER_BYTES);
    config.setResponseHeaderSize(MAX_HEADER_BYTES);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT_MS);
    // At stop, a browser's idle keep-alive connection is closed at once instead of holding
    // the graceful stop for its whole timeout (every stop and restart would take 2 s more).
    connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT_MS);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
    server.setStopTimeout(STOP_TIMEOUT_MS);
    ErrorHandler errors = new ErrorHandler();
    errors.setShowStacks(false);
    errors.setShowMessageInTitle(false);
    server.setErrorHandler(errors);
    SizeLimitHandler limit = new SizeLimitHandler(MAX_REQUEST_BYTES, -1);
    limit.setHandler(routes);
    server.setHandler(limit);
  }

  /** Serves {@code path} (exact, or a prefix written {@code /api/*}) with {@code handler}. */
  public HttpServer route(String path, Handler handler) {
    if (server.isStarted()) {
      throw new IllegalStateException("routes are added before the server starts");
    }
    routes.addMapping(PathSpec.from(path), handler);
    return this;
  }

  /** Listens; the address tells the port chosen when 0 was configured. */
  public InetSocketAddress start() throws IOException {
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly();
      throw new IOException(
          "cannot listen on " + host + ":" + port + ": " + reason(e)
              + "; set http.port (SWITCHBOARD_HTTP_PORT) to a free port, or 0 for any",
          e);
    } catch (Exception e) {
      stopQuietly();
      throw new IOException("the HTTP server did not start: " + e, e);
    }
    return new InetSocketAddress(host, connector.getLocalPort());
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
