package dev.switchboard.http;

import dev.switchboard.common.Ticker;
import dev.switchboard.common.WarningThrottle;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
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
   * A forwarded connection quiet this long is closed: three of the web chat's keep-alive
   * comments ({@link EventStream#KEEPALIVE_SECONDS}) missed means the active gateway is gone
   * (a lost node sends no reset), and the browser reconnects, to the gateway active by then.
   */
  static final long IDLE_TIMEOUT_MS = 3 * EventStream.KEEPALIVE_SECONDS * 1_000L + 5_000;

  /**
   * Connections to the active gateway for event streams, which each hold one as long as a page
   * is open, and for everything else, which must not wait behind them. Together below the
   * active gateway's per-address limit ({@link ConnectionLimits#perAddress}), which counts this
   * standby as one client unless it is among {@code http.trusted_proxies}. A request beyond
   * them waits in a short queue, then gets a 503.
   */
  static final int STREAM_CONNECTIONS = 44;

  static final int REQUEST_CONNECTIONS = 16;
  static final int QUEUED_REQUESTS = 32;

  /**
   * What a client says of the way its request came, dropped: the forwarded request says it
   * anew ({@code Forwarded}) from this standby's view, where a trusted proxy's word was
   * already taken ({@link TrustedForwarding}); a client's own would be believed by the active
   * gateway, which trusts its standbys.
   */
  private static final List<String> CLIENT_FORWARDING_HEADERS = List.of(
      "Forwarded",
      "X-Forwarded-For",
      "X-Forwarded-Proto",
      "X-Forwarded-Host",
      "X-Forwarded-Port",
      "X-Forwarded-Server",
      FORWARDED);

  private static final Duration WARN_EVERY = Duration.ofSeconds(10);

  private volatile @Nullable Supplier<Optional<URI>> active;
  private final Forwarder streams = new Forwarder(STREAM_CONNECTIONS);
  private final Forwarder requests = new Forwarder(REQUEST_CONNECTIONS);
  private final WarningThrottle loops = new WarningThrottle(WARN_EVERY, Ticker.system());

  StandbyForwarding(Handler local) {
    super(local);
  }

  /**
   * Forwards from now on while {@code active} names the active gateway (this one stands by);
   * while it is empty, every request is served here. Called before the server starts.
   */
  void forwardTo(Supplier<Optional<URI>> active) {
    if (this.active == null) {
      addBean(streams);
      addBean(requests);
      Server server = getServer();
      if (server != null) {
        streams.setServer(server);
        requests.setServer(server);
      }
    }
    this.active = active;
  }

  @Override
  public void setServer(@Nullable Server server) {
    super.setServer(server);
    if (active != null) {
      streams.setServer(server);
      requests.setServer(server);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Supplier<Optional<URI>> to = active;
    Optional<URI> target = to == null
            || SERVED_HERE.contains(Request.getPathInContext(request))
            || fromThisMachinesCommandLine(request)
        ? Optional.empty()
        : to.get();
    if (target.isPresent() && request.getHeaders().contains(FORWARDED)) {
      URI looped = target.get();
      loops
          .occurred()
          .ifPresent(n -> log.warn(
              "{} request(s) another standby forwarded to the active gateway at {} reached this"
                  + " standby: that address leads to a standby, not to the active gateway (check"
                  + " its http.advertise_url: each gateway's own address, not a load balancer's);"
                  + " answered here instead of forwarded again",
              n,
              looped));
      target = Optional.empty();
    }
    if (target.isEmpty()) {
      return super.handle(request, response, callback);
    }
    request.setAttribute(Forwarder.TARGET, target.get());
    String accept = request.getHeaders().get(HttpHeader.ACCEPT);
    boolean stream = accept != null && accept.contains("text/event-stream");
    return (stream ? streams : requests).handle(request, response, callback);
  }

  /**
   * The command line asks the instance of the state directory it was given, over loopback;
   * the header from anywhere else is ignored (a client could otherwise keep its request on a
   * standby).
   */
  private static boolean fromThisMachinesCommandLine(Request request) {
    return request.getHeaders().contains(THIS_INSTANCE)
        && request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress a
        && a.getAddress() != null
        && a.getAddress().isLoopbackAddress();
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.BLOCKING;
  }

  private static final class Forwarder extends ProxyHandler {
    static final String TARGET = StandbyForwarding.class.getName() + ".target";
    private final int connections;
    private final WarningThrottle failures = new WarningThrottle(WARN_EVERY, Ticker.system());

    Forwarder(int connections) {
      this.connections = connections;
      // the server's bounded pool of virtual threads, not a client pool of its own
      setUseServerThreadPool(true);
    }

    @Override
    protected HttpClient newHttpClient() {
      HttpClient client = super.newHttpClient();
      client.setConnectTimeout(CONNECT_TIMEOUT_MS);
      client.setMaxConnectionsPerDestination(connections);
      client.setMaxRequestsQueuedPerDestination(QUEUED_REQUESTS);
      client.setIdleTimeout(IDLE_TIMEOUT_MS);
      // what the server accepts from a browser passes on to the active gateway
      client.setMaxRequestHeadersSize(HttpServer.MAX_HEADER_BYTES);
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
    protected void copyRequestHeaders(
        Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
      super.copyRequestHeaders(clientToProxyRequest, proxyToServerRequest);
      proxyToServerRequest.headers(h -> CLIENT_FORWARDING_HEADERS.forEach(h::remove));
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
      failures
          .occurred()
          .ifPresent(n -> log.warn(
              "could not forward {} {} to the active gateway at {}: {} ({} request(s) refused so"
                  + " since the last such line; said at most every 10 s)",
              clientToProxyRequest.getMethod(),
              Request.getPathInContext(clientToProxyRequest),
              clientToProxyRequest.getAttribute(TARGET),
              failure.toString(),
              n));
      // whatever the active gateway's answer had set before it failed is not this answer's
      proxyToClientResponse.reset();
      proxyToClientResponse.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      // This runs on the client's threads, which must not wait for a slow upload: a body not
      // read to its end closes the connection after the answer instead.
      JsonExchange.lastOnConnectionIfBodyUnread(clientToProxyRequest, proxyToClientResponse);
      JsonExchange.error(
          proxyToClientResponse,
          proxyToClientCallback,
          HttpStatus.SERVICE_UNAVAILABLE_503,
          "this gateway is standing by and cannot reach the active one; a standby takes over"
              + " within seconds if it is gone, try again");
    }
  }
}
