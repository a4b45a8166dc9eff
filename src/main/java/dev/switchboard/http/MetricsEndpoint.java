package dev.switchboard.http;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpStatus;

/** {@code /metrics}: whatever the scrape supplies, as Prometheus text exposition format. */
public final class MetricsEndpoint {
  /** The content type Prometheus expects of the text format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private MetricsEndpoint() {}

  public static void install(HttpServer server, Supplier<String> scrape) {
    server.route("/metrics", new ReadOnlyHandler() {
      @Override
      Answer answer() {
        return new Answer(
            HttpStatus.OK_200, CONTENT_TYPE, scrape.get().getBytes(StandardCharsets.UTF_8));
      }
    });
  }
}
