package dev.switchboard.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * What a trusted reverse proxy says about the browser's request ({@code Forwarded}, or {@code
 * X-Forwarded-Proto}, {@code -Host}, {@code -For}) becomes the request's scheme, host and client
 * address, so a page behind an HTTPS proxy gets a Secure cookie and its Origin is compared with
 * the host the browser used. From any other address those headers are ignored: Jetty's own
 * customizer would believe them from anyone.
 */
final class TrustedForwarding implements HttpConfiguration.Customizer {
  private final ForwardedRequestCustomizer forwarded = new ForwardedRequestCustomizer();
  private final TrustedProxies proxies;

  TrustedForwarding(TrustedProxies proxies) {
    this.proxies = proxies;
  }

  @Override
  public Request customize(Request request, HttpFields.Mutable responseHeaders) {
    return proxies.trusts(request.getConnectionMetaData().getRemoteSocketAddress())
        ? forwarded.customize(request, responseHeaders)
        : request;
  }
}
