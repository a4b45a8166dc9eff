package dev.switchboard.http;

import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a gateway that stands by, hands each request the active gateway must serve (the web chat,
 * the API, the admin page, webhooks) to the active gateway on the same database, and its answer
 * back: a client, a browser or a load balancer may reach any instance. Only the requests about
 * this instance itself ({@code /live}, {@code /ready}, {@code /health}, {@code /metrics}) and
 * the command line's own ({@value #THIS_INSTANCE} header: it logs in with this instance's token)
 * are served here. While no active gateway is known, everything is served here, where the
 * routes answer as a standby does.
 *
 * <p>Jetty's {@link ProxyHandler} does the forwarding (streamed both ways, so the web chat's
 * event stream and uploads pass as they come). It passes the {@code Host} header on as the
 * client sent it (StandbyForwardingTest checks it), so the active gateway's same-origin check
 * compares the browser's Origin with the address the browser used, not with the standby's.
 */
final class StandbyForwarding extends Handler.Wrapper {
  private static final Logger log = LoggerFactory.getLogger(StandbyForwarding.class);

  /** Sent by the command line: its request is for this instance, never forwarded. */
  static final String THIS_INSTANCE = "X-Switchboard-This-Instance";

  /**
   * Set on every forwarded request: a standby never forwards one again. An active gateway's
   * address that leads to a standby (http.advertise_url set to the Service's address, say)
   * would otherwise pass a request around until the connections ran out.
   */
  static final String FORWARDED = "X-Switchboard-Forwarded";

  /** A standby's requests for its own health, which the active gateway cannot answer. */
  static final Set<String> SERVED_HERE = Set.of("/live", "/ready", "/health", "/metrics");

  /** How long a connection to the active gateway may take before the client gets a 503. */
  static final long CONNECT_TIMEOUT_MS = 2_000;

  /**
   * Below the active gateway's per-address limit ({@link ConnectionLimits#perAddress}), which
   * counts this standby as one client unless it is among {@code http.trusted_proxies}.
   */
  static final int MAX_CONNECTIONS = 48;

  private volatile @Nullable Supplier<Optional<URI>> active;
  private final Forwarder forwarder = new Forwarder();
  private volatile boolean loopReported;

  StandbyForwarding(Handler local) {
    super(local);
  }

  /**
   * Forwards from now on while {@code active} names the active gateway (this one stands by);
   * while it is empty, every request is served here. Called before the server starts.
   */
  void forwardTo(Supplier<Optional<URI>> active) {
    if (this.active == null) {
      addBean(forwarder);
    }
    this.active = active;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Supplier<Optional<URI>> to = active;
    Optional<URI> target = to == null
            || SERVED_HERE.contains(Request.getPathInContext(request))
            || request.getHeaders().contains(THIS_INSTANCE)
        ? Optional.empty()
        : to.get();
    if (target.isPresent() && request.getHeaders().contains(FORWARDED)) {
      if (!loopReported) {
        loopReported = true;
        log.warn(
            "a request another standby forwarded to the active gateway at {} reached this"
                + " standby: that address leads to a standby, not to the active gateway (check"
                + " its http.advertise_url: each gateway's own address, not a load balancer's);"
                + " answered here instead of forwarded again",
            target.get());
      }
      target = Optional.empty();
    }
    if (target.isEmpty()) {
      return super.handle(request, response, callback);
    }
    request.setAttribute(Forwarder.TARGET, target.get());
    return forwarder.handle(request, response, callback);
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.BLOCKING;
  }

  private static final class Forwarder extends ProxyHandler {
    static final String TARGET = StandbyForwarding.class.getName() + ".target";

    @Override
    protected HttpClient newHttpClient() {
      HttpClient client = super.newHttpClient();
      client.setConnectTimeout(CONNECT_TIMEOUT_MS);
      client.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
      // the web chat's event stream is quiet between its keep-alive comments
      client.setIdleTimeout(TimeUnit.MINUTES.toMillis(5));
      client.setFollowRedirects(false);
      return client;
    }

    @Override
    protected HttpURI rewriteHttpURI(Request request) {
      URI to = (URI) request.getAttribute(TARGET);
      HttpURI from = request.getHttpURI();
      return HttpURI.build(from)
          .scheme(to.getScheme())
          .host(to.getHost())
          .port(to.getPort())
          .asImmutable();
    }

    @Override
    protected void addProxyHeaders(
        Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
      super.addProxyHeaders(clientToProxyRequest, proxyToServerRequest);
      proxyToServerRequest.headers(h -> h.put(FORWARDED, "1"));
    }

    @Override
    protected void onServerToProxyResponseFailure(
        Request clientToProxyRequest,
        org.eclipse.jetty.client.Request proxyToServerRequest,
        org.eclipse.jetty.client.@Nullable Response serverToProxyResponse,
        Response proxyToClientResponse,
        Callback proxyToClientCallback,
        Throwable failure) {
      if (proxyToClientResponse.isCommitted()) {
        // the answer had begun: nothing to say but to end the connection
        proxyToClientCallback.failed(failure);
        return;
      }
      URI to = (URI) clientToProxyRequest.getAttribute(TARGET);
      log.warn(
          "could not forward {} {} to the active gateway at {}: {}",
          clientToProxyRequest.getMethod(),
          Request.getPathInContext(clientToProxyRequest),
          to,
          failure.toString());
      proxyToClientResponse.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      JsonExchange.settleUnusedBody(clientToProxyRequest, proxyToClientResponse);
      JsonExchange.error(
          proxyToClientResponse,
          proxyToClientCallback,
          HttpStatus.SERVICE_UNAVAILABLE_503,
          "this gateway is standing by and cannot reach the active one (" + to.getHost() + ":"
              + to.getPort() + "); a standby takes over within seconds if it is gone, try again");
    }
  }
}
