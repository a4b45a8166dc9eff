package dev.switchboard.http;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /health}: 200 while the gateway makes progress (every loop beats, every platform
 * connected), otherwise 503 with the reasons. {@code GET /ready}: 200 while it takes new turns.
 * {@code GET /live}: 200 while its loops make progress, whatever the platforms' state.
 * Both answer JSON with the same details, so a person reading a failed probe sees why.
 */
public final class HealthEndpoints {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private HealthEndpoints() {}

  public static void install(HttpServer server, Supplier<HealthReport> reports) {
    server.route("/health", handler(reports, HealthReport::healthy));
    server.route("/ready", handler(reports, HealthReport::ready));
    server.route("/live", handler(reports, HealthReport::live));
  }

  private static Handler handler(Supplier<HealthReport> reports, Predicate<HealthReport> passes) {
    return new ReadOnlyHandler() {
      @Override
      Answer answer() {
        HealthReport report = reports.get();
        boolean ok = passes.test(report);
        byte[] body =
            (JSON.writeValueAsString(toJson(report, ok)) + "\n").getBytes(StandardCharsets.UTF_8);
        return new Answer(
            ok ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503, "application/json", body);
      }
    };
  }

  static ObjectNode toJson(HealthReport report, boolean ok) {
    ObjectNode root = JSON.createObjectNode();
    root.put("status", ok ? "ok" : "unavailable");
    root.put("state", report.state());
    root.put("healthy", report.healthy());
    root.put("ready", report.ready());
    root.put("live", report.live());
    var problems = root.putArray("problems");
    report.problems().forEach(problems::add);
    var stalled = root.putArray("stalled_loops");
    report.stalledLoops().forEach(stalled::add);
    ObjectNode platforms = root.putObject("platforms");
    new TreeMap<>(report.platforms()).forEach((name, p) -> {
      ObjectNode node = platforms.putObject(name);
      node.put("state", p.state());
      if (p.lastError() == null) {
        node.putNull("last_error");
      } else {
        node.put("last_error", p.lastError());
      }
      if (p.nextAttempt() != null) {
        node.put("next_attempt", p.nextAttempt().toString());
      }
    });
    return root;
  }
}
