package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The limits every listener has against slow and greedy clients, over real sockets on
 * loopback. Linux routes all of 127.0.0.0/8 to loopback, so binding a client to 127.0.0.2,
 * 127.0.0.3, ... plays clients on different machines.
 */
class ConnectionLimitsTest {
  private static final HealthReport HEALTHY =
      new HealthReport("running", List.of(), true, true, Map.of(), List.of());

  private final List<Socket> sockets = new ArrayList<>();
  private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile CountDownLatch entered = new CountDownLatch(0);
  private HttpServer server;
  private int port;

  @AfterEach
  void close() throws Exception {
    release.countDown();
    trickle.shutdownNow();
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void start(ConnectionLimits limits, TrustedProxies proxies) throws IOException {
    server =
        new HttpServer(new HttpListener("http", "127.0.0.1", 0, "set http.port", proxies, limits));
    HealthEndpoints.install(server, () -> HEALTHY);
    server.route("/block", blocking());
    server.route("/body", readsItsBody());
    port = server.start().getPort();
  }

  /** A request that stays in its handler until the test releases it. */
  private Handler blocking() {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        entered.countDown();
        release.await();
        JsonExchange.empty(response, callback, 204);
        return true;
      }
    };
  }

  private static Handler readsItsBody() {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        try {
          JsonExchange.empty(
              response, callback, JsonExchange.readBody(request).length > 0 ? 204 : 400);
        } catch (JsonExchange.BadRequest e) {
          JsonExchange.error(response, callback, e.status(), e.getMessage());
        }
        return true;
      }
    };
  }

  /** A client on {@code from} that sent only the start of a request line and stalls. */
  private Socket stalled(String from) throws IOException {
    Socket s = connect(from);
    s.getOutputStream().write("GET /health HT".getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  /**
   * {@link #stalled}, once the server counts {@code open} connections: the server takes
   * connections on several threads, so only this makes "the longest waiting" the first opened.
   */
  private Socket stalledAndCounted(String from, int open) throws IOException {
    Socket s = stalled(from);
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == open);
    return s;
  }

  private Socket connect(String from) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return s;
  }

  private static void send(Socket s, String request) throws IOException {
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** Whether the server closed {@code s}, waiting for it at most {@code millis}. */
  private static boolean closedByServer(Socket s, int millis) throws IOException {
    s.setSoTimeout(millis);
    try {
      InputStream in = s.getInputStream();
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  /** The status line of the answer to {@code GET /health} on a fresh connection from {@code from}. */
  private String health(String from) throws IOException {
    try (Socket s = connect(from)) {
      s.setSoTimeout(5_000);
      send(s, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      return statusLine(s);
    }
  }

  private static String statusLine(Socket s) throws IOException {
    StringBuilder line = new StringBuilder();
    InputStream in = s.getInputStream();
    for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
      line.append((char) c);
    }
    return line.toString();
  }

  /** Opens 600 stalled connections from {@code addresses} in turn, then times /health. */
  private Duration healthAfterSixHundredStalled(List<String> addresses) throws IOException {
    // A probe has been answered before, as on a running gateway: what is timed is the flood.
    assertThat(health("127.0.0.1")).isEqualTo("HTTP/1.1 200 OK");
    for (int i = 0; i < 600; i++) {
      stalled(addresses.get(i % addresses.size()));
    }
    long started = System.nanoTime();
    String status = health("127.0.0.1");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(status).isEqualTo("HTTP/1.1 200 OK");
    return took;
  }

  @Test
  void sixHundredStalledConnectionsFromTheProbesOwnAddressDoNotStarveHealth() throws Exception {
    start(ConnectionLimits.DEFAULT, TrustedProxies.none());
    Duration took = healthAfterSixHundredStalled(List.of("127.0.0.1"));
    System.out.printf(
        "/health after 600 stalled connections from its own address: %d ms%n", took.toMillis());
    assertThat(took).isLessThan(Duration.ofSeconds(1));
    assertThat(server.openConnections()).isLessThanOrEqualTo(ConnectionLimits.DEFAULT.perAddress());
  }

  @Test
  void sixHundredStalledConnectionsFromThirtyAddressesDoNotStarveHealth() throws Exception {
    start(ConnectionLimits.DEFAULT, TrustedProxies.none());
    List<String> addresses = new ArrayList<>();
    for (int i = 2; i < 32; i++) {
      addresses.add("127.0.0." + i); // 20 each: under the per-address limit, over the total
    }
    Duration took = healthAfterSixHundredStalled(addresses);
    System.out.printf(
        "/health after 600 stalled connections from 30 addresses: %d ms%n", took.toMillis());
    assertThat(took).isLessThan(Duration.ofSeconds(1));
    assertThat(server.openConnections()).isLessThanOrEqualTo(ConnectionLimits.DEFAULT.total());
  }

  @Test
  void overTheLimitPerAddressTheLongestWaitingGoesAndBusyOnesStay() throws Exception {
    start(
        new ConnectionLimits(10, 3, Duration.ofSeconds(30), Duration.ofSeconds(30), 512),
        TrustedProxies.none());
    Socket first = stalledAndCounted("127.0.0.2", 1);
    stalledAndCounted("127.0.0.2", 2);
    stalledAndCounted("127.0.0.2", 3);
    Socket fourth = stalled("127.0.0.2");
    assertThat(closedByServer(first, 5_000)).isTrue();
    stalled("127.0.0.3"); // another address has its own allowance
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 4);
    assertThat(closedByServer(fourth, 200)).isFalse();

    // Three requests in progress from one address: a fourth connection cannot push them out.
    entered = new CountDownLatch(3);
    List<Socket> busy = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Socket s = connect("127.0.0.4");
      send(s, "GET /block HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      busy.add(s);
    }
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    Socket refused = connect("127.0.0.4");
    assertThat(closedByServer(refused, 5_000)).isTrue();
    release.countDown();
    for (Socket s : busy) {
      s.setSoTimeout(5_000);
      assertThat(statusLine(s)).isEqualTo("HTTP/1.1 204 No Content");
    }
  }

  @Test
  void overTheTotalTheLongestWaitingConnectionGoes() throws Exception {
    start(
        new ConnectionLimits(4, 4, Duration.ofSeconds(30), Duration.ofSeconds(30), 512),
        TrustedProxies.none());
    Socket first = stalledAndCounted("127.0.0.2", 1);
    Socket second = stalledAndCounted("127.0.0.3", 2);
    stalledAndCounted("127.0.0.4", 3);
    stalledAndCounted("127.0.0.5", 4);
    assertThat(health("127.0.0.6")).isEqualTo("HTTP/1.1 200 OK");
    assertThat(closedByServer(first, 5_000)).isTrue();
    assertThat(closedByServer(second, 200)).isFalse();
  }

  @Test
  void aTrustedProxyHasNoPerAddressLimit() throws Exception {
    start(
        new ConnectionLimits(10, 2, Duration.ofSeconds(30), Duration.ofSeconds(30), 512),
        TrustedProxies.parse(List.of("127.0.0.5")));
    for (int i = 0; i < 5; i++) {
      stalled("127.0.0.5");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 5);
    for (int i = 0; i < 3; i++) {
      stalled("127.0.0.6");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 7);
  }

  @Test
  void aConnectionWithoutAWholeRequestWithinTheHeaderTimeoutIsClosed() throws Exception {
    start(
        new ConnectionLimits(10, 10, Duration.ofMillis(300), Duration.ofSeconds(30), 512),
        TrustedProxies.none());
    entered = new CountDownLatch(1);
    Socket busy = connect("127.0.0.2");
    send(busy, "GET /block HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    // Trickling a header slower than the deadline: the idle timeout alone would never fire.
    Socket slow = connect("127.0.0.3");
    send(slow, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    trickle.scheduleAtFixedRate(
        () -> {
          try {
            send(slow, "a");
          } catch (IOException closed) {
            // the server closed it, as it should
          }
        },
        50,
        50,
        TimeUnit.MILLISECONDS);
    assertThat(closedByServer(slow, 5_000)).isTrue();

    // A keep-alive connection whose next request does not come in time is closed too.
    Socket keptAlive = connect("127.0.0.4");
    send(keptAlive, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    keptAlive.setSoTimeout(5_000);
    assertThat(statusLine(keptAlive)).isEqualTo("HTTP/1.1 200 OK");
    assertThat(closedByServer(keptAlive, 5_000)).isTrue();

    // The request in progress all along is not a slow client: it still gets its answer.
    release.countDown();
    busy.setSoTimeout(5_000);
    assertThat(statusLine(busy)).isEqualTo("HTTP/1.1 204 No Content");
  }

  @Test
  void aBodyArrivingSlowerThanTheMinimumRateIsRefusedWith408() throws Exception {
    start(
        new ConnectionLimits(10, 10, Duration.ofSeconds(10), Duration.ofSeconds(30), 1000),
        TrustedProxies.none());
    Socket s = connect("127.0.0.2");
    send(
        s,
        "POST /body HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: 100000\r\n\r\n{");
    trickle.scheduleAtFixedRate(
        () -> {
          try {
            send(s, " ");
          } catch (IOException closed) {
            // the server gave up on the body, as it should
          }
        },
        20,
        20,
        TimeUnit.MILLISECONDS);
    s.setSoTimeout(10_000);
    assertThat(statusLine(s)).isEqualTo("HTTP/1.1 408 Request Timeout");
  }
}
