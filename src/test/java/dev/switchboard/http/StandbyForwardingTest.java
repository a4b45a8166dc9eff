package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A standby's server hands the requests the active gateway serves to it (two real servers on
 * loopback), answers its own health, and says 503 with Retry-After when the active one is gone.
 */
class StandbyForwardingTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicReference<Optional<URI>> target = new AtomicReference<>(Optional.empty());
  private final CountDownLatch secondEvent = new CountDownLatch(1);
  private HttpServer active;
  private HttpServer standby;
  private InetSocketAddress activeAt;
  private InetSocketAddress standbyAt;

  @BeforeEach
  void start() throws Exception {
    active = new HttpServer("127.0.0.1", 0)
        .route("/echo", answer("active"))
        .route("/live", answer("active-live"))
        .route("/events", events())
        .route("/headers", headers());
    activeAt = active.start();
    standby = new HttpServer("127.0.0.1", 0)
        .route("/echo", answer("standby"))
        .route("/live", answer("standby-live"))
        .forwardWhileStandingBy(target::get);
    standbyAt = standby.start();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    standby.close();
    active.close();
  }

  /** Says who answered, what it was sent (SHA-256 of the body), its query and Host header. */
  private static Handler answer(String who) {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
          body = in.readAllBytes();
        }
        String digest =
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        response.setStatus(201);
        response.getHeaders().put("X-Answered-By", who);
        Content.Sink.write(
            response,
            true,
            who + " " + body.length + " " + digest + " " + request.getHttpURI().getQuery() + " "
                + request.getHeaders().get(HttpHeader.HOST),
            callback);
        return true;
      }
    };
  }

  /** Answers with the headers that say how the request came, one per line. */
  private static Handler headers() {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "Cookie")) {
          out.append(name).append('=').append(request.getHeaders().get(name)).append('\n');
        }
        response.setStatus(200);
        Content.Sink.write(response, true, out.toString(), callback);
        return true;
      }
    };
  }

  /** An event stream: one event at once, the next only once the test allows it. */
  private Handler events() {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        Content.Sink.write(response, false, "data: one\n\n", Callback.NOOP);
        if (!secondEvent.await(10, TimeUnit.SECONDS)) {
          callback.failed(new IllegalStateException("the test never asked for the second"));
          return true;
        }
        Content.Sink.write(response, true, "data: two\n\n", callback);
        return true;
      }
    };
  }

  private HttpResponse<String> toStandby(String path, HttpRequest.Builder request)
      throws Exception {
    return client.send(
        request
            .uri(URI.create("http://127.0.0.1:" + standbyAt.getPort() + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI activeAddress() {
    return URI.create("http://127.0.0.1:" + activeAt.getPort());
  }

  @Test
  void whileStandingByARequestIsAnsweredByTheActiveGatewayBodyQueryAndHostIntact()
      throws Exception {
    target.set(Optional.of(activeAddress()));
    byte[] upload = new byte[600_000];
    new java.util.Random(7).nextBytes(upload);
    String digest =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload));

    HttpResponse<String> r = toStandby(
        "/echo?conversation=c1",
        HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofByteArray(upload)));

    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.headers().firstValue("X-Answered-By")).contains("active");
    // the Host the client used, so the active gateway's same-origin check sees the browser's
    assertThat(r.body())
        .isEqualTo("active 600000 " + digest + " conversation=c1 127.0.0.1:" + standbyAt.getPort());
  }

  @Test
  void itsOwnHealthTheCommandLineAndEverythingWhenNoActiveIsKnownAreServedHere() throws Exception {
    target.set(Optional.of(activeAddress()));
    assertThat(toStandby("/live", HttpRequest.newBuilder()).body()).startsWith("standby-live ");
    HttpResponse<String> cli = toStandby(
        "/echo",
        HttpRequest.newBuilder()
            .header(HttpServer.thisInstanceHeader(), "1")
            .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertThat(cli.headers().firstValue("X-Answered-By")).contains("standby");

    target.set(Optional.empty()); // this one is the active gateway now
    HttpResponse<String> local =
        toStandby("/echo", HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("x")));
    assertThat(local.headers().firstValue("X-Answered-By")).contains("standby");
  }

  @Test
  void anEventStreamPassesEachEventAsItComes() throws Exception {
    target.set(Optional.of(activeAddress()));
    HttpResponse<InputStream> r = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + standbyAt.getPort() + "/events"))
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      // read before the active gateway may write the second: nothing is held back
      assertThat(lines.readLine()).isEqualTo("data: one");
      secondEvent.countDown();
      assertThat(lines.readLine()).isEmpty();
      assertThat(lines.readLine()).isEqualTo("data: two");
    }
  }

  @Test
  void whatAClientSaysOfTheWayItCameIsReplacedByWhatTheStandbySaw() throws Exception {
    target.set(Optional.of(activeAddress()));
    String bigCookie = "c=" + "x".repeat(12_000); // over Jetty's client default of 8 KiB
    HttpResponse<String> r = toStandby(
        "/headers",
        HttpRequest.newBuilder()
            .header("X-Forwarded-For", "6.6.6.6")
            .header("Forwarded", "for=6.6.6.6;proto=https;host=evil.example")
            .header("X-Forwarded-Host", "evil.example")
            .header("Cookie", bigCookie));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body())
        .doesNotContain("6.6.6.6")
        .doesNotContain("evil.example")
        .contains("X-Forwarded-For=null")
        .containsPattern("Forwarded=.*for=\"?127\\.0\\.0\\.1")
        .contains("Cookie=" + bigCookie);
  }

  @Test
  void aRequestAnotherStandbyForwardedIsNotForwardedAgain() throws Exception {
    // the "active" address leads back to this standby itself: a misconfigured advertise_url
    target.set(Optional.of(URI.create("http://127.0.0.1:" + standbyAt.getPort())));
    HttpResponse<String> r =
        toStandby("/echo", HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("x")));
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.headers().allValues("X-Answered-By")).containsExactly("standby");
  }

  @Test
  void anActiveGatewayThatCannotBeReachedIs503WithRetryAfter() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    target.set(Optional.of(URI.create("http://127.0.0.1:" + closedPort)));

    HttpResponse<String> r = toStandby(
        "/echo", HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).contains("1");
    assertThat(r.body())
        .contains("standing by and cannot reach the active one")
        .doesNotContain(Integer.toString(closedPort));
  }
}
