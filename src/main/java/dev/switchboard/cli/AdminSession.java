package dev.switchboard.cli;

import dev.switchboard.config.CoreKeys;
import dev.switchboard.http.HttpServer;
import dev.switchboard.http.LoginToken;
import dev.switchboard.lifecycle.GatewayState;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A command line tool's session with the running gateway's admin API, on loopback, logged in
 * with the state directory's login token (only its owner can read it).
 */
final class AdminSession implements AutoCloseable {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Why no session could be had, in a line for the user. */
  static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message);
    }
  }

  /** An answer: its status and its JSON body (empty when it was not JSON). */
  record Answer(int status, JsonNode body) {}

  private final HttpClient http;
  private final URI base;

  private AdminSession(HttpClient http, URI base) {
    this.http = http;
    this.base = base;
  }

  /**
   * Logs into the gateway running with {@code home}.
   *
   * @param what what the tool would do, for the messages ("nothing was sent")
   */
  static AdminSession open(Path home, String what)
      throws Unavailable, IOException, InterruptedException {
    GatewayProcess gw = GatewayProcess.look(home);
    GatewayState state = gw.state().orElse(null);
    if (!gw.running() || state == null) {
      throw new Unavailable(
          "the gateway is not running with " + home + "; start it first (" + what + ")");
    }
    String address = state.http();
    if (address == null) {
      throw new Unavailable("the running gateway serves no HTTP (see http.port), which this"
          + " command asks it through; " + what);
    }
    URI base = URI.create("http://" + SendSubcommand.loopback(address));
    HttpClient http = HttpClient.newBuilder()
        .cookieHandler(new CookieManager())
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    AdminSession session = new AdminSession(http, base);
    try {
      Path tokenFile = home.resolve(LoginToken.FILE);
      // As the gateway chooses (LoginToken.of): the token its environment gives (kubectl
      // exec, a unit's Environment=; http.login_token), which it prefers to the file.
      String variable = CoreKeys.HTTP_LOGIN_TOKEN.env();
      String fromEnvironment = variable == null ? null : System.getenv(variable);
      String token = fromEnvironment != null
          ? fromEnvironment
          : Files.exists(tokenFile)
              ? Files.readString(tokenFile, StandardCharsets.UTF_8).strip()
              : null;
      if (token != null) {
        Answer in = session.post("/api/admin/login", JSON.createObjectNode().put("token", token));
        if (in.status() / 100 != 2) {
          throw new Unavailable("the gateway refused the login token in "
              + (fromEnvironment != null ? variable : tokenFile) + " (HTTP " + in.status()
              + "); " + what);
        }
      }
      return session;
    } catch (Unavailable | IOException | InterruptedException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  Answer post(String path, JsonNode body) throws IOException, InterruptedException {
    return send(
        path,
        TIMEOUT,
        "application/json",
        HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)),
        Map.of());
  }

  /** POSTs {@code body} to {@code path}, with {@code headers} besides its type. */
  Answer send(
      String path,
      Duration timeout,
      String contentType,
      HttpRequest.BodyPublisher body,
      Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(timeout)
        .header("Content-Type", contentType)
        // a standby answers the command line itself (it logged in with this instance's token)
        .header(HttpServer.thisInstanceHeader(), "1")
        .POST(body);
    headers.forEach(request::header);
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(response.statusCode(), parse(response.body()));
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (RuntimeException e) {
      return JSON.createObjectNode();
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
