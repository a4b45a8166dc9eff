package dev.switchboard.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code /metrics}: whatever the scrape supplies, as Prometheus text exposition format. */
public final class MetricsEndpoint {
  /** The content type Prometheus expects of the text format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private MetricsEndpoint() {}

  public static void install(HttpServer server, Supplier<String> scrape) {
    server.route("/metrics", new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
          response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
          Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
          return true;
        }
        byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if ("HEAD".equals(method)) {
          callback.succeeded();
        } else {
          response.write(true, ByteBuffer.wrap(body), callback);
        }
        return true;
      }
    });
  }
}
