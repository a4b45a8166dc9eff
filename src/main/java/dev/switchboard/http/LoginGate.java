package dev.switchboard.http;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Who may use the web chat and the admin page: the holder of the login token (by its cookie),
 * or, with login turned off (loopback only), requests addressed to a loopback name. The second
 * check stops DNS rebinding: a web page whose own domain was re-pointed at 127.0.0.1 would
 * otherwise count as same-origin, but its requests still carry its own name in Host.
 *
 * <p>A request that changes something (every POST) must also be JSON and come from our own
 * page ({@link #checkChange}): a form on another site can send neither JSON nor our Origin,
 * and a script there cannot send JSON here without a CORS preflight we never grant. Browsers
 * send Origin with every POST, so a request without one comes from a program; it is taken only
 * with the login cookie itself, or when login is off and only this machine can reach the
 * server anyway. A file upload cannot be JSON: it must carry a header of ours instead ({@link
 * #checkUpload}).
 */
public final class LoginGate {
  private static final Logger log = LoggerFactory.getLogger(LoginGate.class);
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
  private static final Refusal NOT_JSON =
      new Refusal(415, "send Content-Type: application/json (with a JSON body, {} if none)");
  /** The header an upload must carry ({@link #checkUpload}); its value does not matter. */
  public static final String UPLOAD_HEADER = "X-Switchboard-Upload";

  private static final Refusal NOT_MULTIPART =
      new Refusal(415, "send files as multipart/form-data");
  private static final Refusal NO_UPLOAD_HEADER = new Refusal(
      403, "refused: an upload must carry the header " + UPLOAD_HEADER + ": 1 (the page sends it)");
  private static final Refusal FOREIGN_ORIGIN = new Refusal(
      403,
      "refused: this request comes from a page of another site (its Origin is not the address"
          + " it was sent to)");

  private final @Nullable LoginToken token;

  /** @param token null when no login is asked for */
  public LoginGate(@Nullable LoginToken token) {
    this.token = token;
  }

  public boolean loginRequired() {
    return token != null;
  }

  /** Empty when the request may go on, else why not, as a status and a message. */
  public Optional<Refusal> check(Request request) {
    if (token != null) {
      return token.authenticates(request)
          ? Optional.empty()
          : Optional.of(new Refusal(401, "log in with the token first"));
    }
    return loopbackHost(request)
        ? Optional.empty()
        : Optional.of(new Refusal(
            403,
            "without a login (http.auth is false) only http://localhost and http://127.0.0.1"
                + " addresses are served"));
  }

  /**
   * {@link #check} for a request that changes something: also JSON, and from our own page or
   * from a program that logs in by itself.
   */
  public Optional<Refusal> checkChange(Request request) {
    Optional<Refusal> refused = check(request);
    if (refused.isPresent()) {
      return refused;
    }
    if (!JsonExchange.isJson(request)) {
      return Optional.of(NOT_JSON);
    }
    // Logged in (or login off) by now: an absent Origin is a program with the login itself.
    return SameOrigin.of(request) == SameOrigin.Verdict.OTHER
        ? Optional.of(FOREIGN_ORIGIN)
        : Optional.empty();
  }

  /**
   * {@link #check} for a file upload ({@code multipart/form-data}). A form on another site can
   * send that encoding, so instead of being JSON the request must carry {@link #UPLOAD_HEADER},
   * which a form cannot set and a script on another site cannot send here without a CORS
   * preflight we never grant; and like every change it must not come from another origin.
   */
  public Optional<Refusal> checkUpload(Request request) {
    Optional<Refusal> refused = check(request);
    if (refused.isPresent()) {
      return refused;
    }
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return Optional.of(NOT_MULTIPART);
    }
    if (request.getHeaders().get(UPLOAD_HEADER) == null) {
      return Optional.of(NO_UPLOAD_HEADER);
    }
    return SameOrigin.of(request) == SameOrigin.Verdict.OTHER
        ? Optional.of(FOREIGN_ORIGIN)
        : Optional.empty();
  }

  /** Why a request was refused. */
  public record Refusal(int status, String message) {}

  static boolean loopbackHost(Request request) {
    String host = request.getHeaders().get(HttpHeader.HOST);
    if (host == null) {
      return false;
    }
    host = host.toLowerCase(Locale.ROOT);
    int colon = host.startsWith("[") ? host.indexOf("]:") + 1 : host.lastIndexOf(':');
    return LOOPBACK_NAMES.contains(colon > 0 ? host.substring(0, colon) : host);
  }

  /**
   * {@code POST {"token": ...}}: sets the login cookie (Secure when the page came over HTTPS),
   * or 401 naming where the token is. The token in the body is the credential, so a program
   * without Origin may log in; another site's page may not.
   */
  public void login(Request request, Response response, Callback callback)
      throws JsonExchange.BadRequest {
    if (SameOrigin.of(request) == SameOrigin.Verdict.OTHER) {
      throw new JsonExchange.BadRequest(FOREIGN_ORIGIN.status(), FOREIGN_ORIGIN.message());
    }
    JsonNode given = JsonExchange.readObject(request).path("token");
    if (token == null) {
      JsonExchange.empty(response, callback, 204);
      return;
    }
    if (!given.isString() || !token.matches(given.asString())) {
      log.warn("a log-in with a wrong token from {}", Request.getRemoteAddr(request));
      JsonExchange.error(
          response,
          callback,
          401,
          "That is not the login token. It is in " + token.whereForClients() + ".");
      return;
    }
    response.getHeaders().add(HttpHeader.SET_COOKIE, token.loginCookieHeader(request.isSecure()));
    JsonExchange.empty(response, callback, 204);
  }

  /**
   * Logs this browser out: the cookie it carried is revoked for good (a copy kept elsewhere no
   * longer logs in, also after a restart), and the browser is told to forget it.
   */
  public void logout(Request request, Response response, Callback callback) {
    if (token != null) {
      try {
        token.revokeCookies(request);
      } catch (IOException e) {
        log.warn("a logout could not be recorded: {}", e.getMessage());
        JsonExchange.error(
            response,
            callback,
            500,
            "the logout could not be recorded (" + e.getMessage() + "); try again");
        return;
      }
      response
          .getHeaders()
          .add(HttpHeader.SET_COOKIE, LoginToken.logoutCookieHeader(request.isSecure()));
    }
    JsonExchange.empty(response, callback, 204);
  }
}
