package dev.switchboard.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback HTTP server that answers every request with the one canned answer set last: for
 * feeding fuzzed bodies to the HTTP clients that read them (Bot API, Discord REST, Slack Web
 * API, an OpenAI-compatible model server).
 */
public final class CannedHttpServer implements AutoCloseable {
  /** An answer: status, headers, body bytes. */
  public record Answer(int status, Map<String, String> headers, byte[] body) {}

  private final HttpServer server;
  private final AtomicReference<Answer> next =
      new AtomicReference<>(new Answer(500, Map.of(), new byte[0]));

  private CannedHttpServer(HttpServer server) {
    this.server = server;
  }

  public static CannedHttpServer start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      CannedHttpServer canned = new CannedHttpServer(server);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/", exchange -> {
        try (exchange) {
          exchange.getRequestBody().readAllBytes();
          Answer a = canned.next.get();
          a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
          boolean noBody = a.status() == 204 || a.status() == 304 || a.status() < 200;
          exchange.sendResponseHeaders(
              a.status(), noBody ? -1 : a.body().length == 0 ? -1 : a.body().length);
          if (!noBody && a.body().length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(a.body());
            }
          }
        }
      });
      server.start();
      return canned;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The answer to every request from now on. */
  public void answer(Answer answer) {
    next.set(answer);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
