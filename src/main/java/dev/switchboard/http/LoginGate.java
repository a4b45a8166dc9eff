package dev.switchboard.http;

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
 */
public final class LoginGate {
  private static final Logger log = LoggerFactory.getLogger(LoginGate.class);
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

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

  /** {@code POST {"token": ...}}: sets the login cookie, or 401 naming where the token is. */
  public void login(Request request, Response response, Callback callback)
      throws JsonExchange.BadRequest {
    if (token == null) {
      JsonExchange.empty(response, callback, 204);
      return;
    }
    JsonNode given = JsonExchange.readObject(request).path("token");
    if (!given.isString() || !token.matches(given.asString())) {
      log.warn("a log-in with a wrong token from {}", Request.getRemoteAddr(request));
      JsonExchange.error(
          response,
          callback,
          401,
          "That is not the login token. It is in the" + " file " + LoginToken.FILE
              + " in Switchboard's state directory.");
      return;
    }
    response.getHeaders().add(HttpHeader.SET_COOKIE, token.loginCookieHeader());
    JsonExchange.empty(response, callback, 204);
  }

  /** Clears this browser's cookie. */
  public void logout(Response response, Callback callback) {
    if (token != null) {
      response.getHeaders().add(HttpHeader.SET_COOKIE, LoginToken.logoutCookieHeader());
    }
    JsonExchange.empty(response, callback, 204);
  }
}
