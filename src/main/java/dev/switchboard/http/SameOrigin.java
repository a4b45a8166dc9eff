package dev.switchboard.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.jspecify.annotations.Nullable;

/**
 * Whether a request's {@code Origin} is the page this server served: the same host and port the
 * request was sent to ({@code Host}, or what a trusted proxy forwarded). Browsers send Origin
 * with every POST, so a page on another site that makes a browser post here is told apart from
 * our own page even if the cookie rode along.
 *
 * <p>The scheme is compared only when the server knows the page came over HTTPS (a trusted
 * proxy said so): an untrusted proxy that ends TLS shows us plain HTTP while the browser's
 * Origin says https, and the host alone is what tells sites apart.
 */
final class SameOrigin {
  /** What the Origin header says. */
  enum Verdict {
    SAME,
    ABSENT,
    OTHER
  }

  private SameOrigin() {}

  static Verdict of(Request request) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin == null) {
      return Verdict.ABSENT;
    }
    URI uri;
    try {
      uri = new URI(origin.strip());
    } catch (URISyntaxException e) {
      return Verdict.OTHER; // "null" from a sandboxed frame or a privacy redirect, or junk
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if ((!scheme.equals("http") && !scheme.equals("https"))
        || uri.getHost() == null
        || (request.isSecure() && !scheme.equals("https"))) {
      return Verdict.OTHER;
    }
    HttpURI served = request.getHttpURI();
    int defaultPort = scheme.equals("https") ? 443 : 80;
    int originPort = uri.getPort() > 0 ? uri.getPort() : defaultPort;
    int servedPort = served.getPort() > 0 ? served.getPort() : defaultPort;
    return sameHost(uri.getHost(), served.getHost()) && originPort == servedPort
        ? Verdict.SAME
        : Verdict.OTHER;
  }

  private static boolean sameHost(String origin, @Nullable String served) {
    return served != null && bare(origin).equalsIgnoreCase(bare(served));
  }

  /** An IPv6 literal with or without its brackets. */
  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
