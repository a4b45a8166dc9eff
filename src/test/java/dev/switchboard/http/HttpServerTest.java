package dev.switchboard.http;

import static dev.switchboard.testing.RawHttp.readAnswer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpServerTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;
  private InetSocketAddress address;

  @AfterEach
  void close() throws Exception {
    if (server != null) {
      server.close();
    }
    client.close();
  }

  /** An echo of the request body's length, to see what reaches a handler. */
  private static Handler bodyLength() {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        response.setStatus(200);
        Content.Sink.write(response, true, Integer.toString(body.length()), callback);
        return true;
      }
    };
  }

  private void start(Map<String, Handler> routes) throws IOException {
    server = new HttpServer("127.0.0.1", 0);
    routes.forEach(server::route);
    address = server.start();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path));
  }

  @Test
  void routesAnswerAndEverythingElseIs404WithoutVersionOrStack() throws Exception {
    start(Map.of("/echo", bodyLength()));
    HttpResponse<String> ok = send(to("/echo").POST(HttpRequest.BodyPublishers.ofString("abc")));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("3");
    HttpResponse<String> missing = send(to("/nothing/here"));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Server")).isEmpty();
    assertThat(missing.body()).doesNotContainIgnoringCase("jetty").doesNotContain("at org.");
    assertThat(address.getPort()).isPositive();
  }

  @Test
  void aBodyOverTheLimitIsRefusedWith413() throws Exception {
    start(Map.of("/echo", bodyLength()));
    byte[] big = new byte[(int) HttpServer.MAX_REQUEST_BYTES + 1];
    // With Expect: 100-continue the refusal comes before the body is sent; without it the
    // server may close while the client still writes, and the client sees a broken pipe.
    HttpResponse<String> r =
        send(to("/echo").expectContinue(true).POST(HttpRequest.BodyPublishers.ofByteArray(big)));
    assertThat(r.statusCode()).isEqualTo(413);
    byte[] fits = new byte[(int) HttpServer.MAX_REQUEST_BYTES];
    assertThat(
            send(to("/echo").POST(HttpRequest.BodyPublishers.ofByteArray(fits))).body())
        .isEqualTo(Integer.toString(fits.length));
  }

  @Test
  void aBodyRefusedForItsLengthIsReadFirstSoTheClientReadsThe413() throws Exception {
    // Without Expect: 100-continue the client sends the body whatever the answer. Answered at
    // the headers, the connection was closed under the body still arriving: the client met a
    // reset instead of the 413, and the connection could not serve another request.
    start(Map.of("/echo", bodyLength()));
    List<String> answers =
        bodyInTwoPartsThenAnotherRequest("/echo", (int) HttpServer.MAX_REQUEST_BYTES / 2 + 1);
    assertThat(answers.get(0))
        .startsWith("HTTP/1.1 413")
        .doesNotContainIgnoringCase("connection: close");
    assertThat(answers.get(1)).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n3");
  }

  @Test
  void aBodyToAPathWithNoRouteIsReadFirstSoTheConnectionServesTheNextRequest() throws Exception {
    start(Map.of("/echo", bodyLength()));
    List<String> answers = bodyInTwoPartsThenAnotherRequest("/nowhere", 100 * 1024);
    assertThat(answers.get(0))
        .startsWith("HTTP/1.1 404")
        .doesNotContainIgnoringCase("connection: close");
    assertThat(answers.get(1)).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n3");
  }

  /**
   * POSTs to {@code path} a body of two parts of {@code half} bytes, the second written after
   * the first was flushed, then "abc" to /echo on the same connection; returns both answers.
   */
  private List<String> bodyInTwoPartsThenAnotherRequest(String path, int half) throws IOException {
    byte[] part = new byte[half];
    try (Socket s = new Socket("127.0.0.1", address.getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + 2 * half
              + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(part);
      out.flush();
      out.write(part);
      out.write("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return List.of(readAnswer(in), readAnswer(in));
    }
  }

  @Test
  void aBodyDeclaredTooLargeToReadFirstEndsItsConnection() throws Exception {
    start(Map.of("/echo", bodyLength()));
    try (Socket s = new Socket("127.0.0.1", address.getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                  + (HttpServer.OVERSIZED_BODY_READ_LIMIT + 1) + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      assertThat(readAnswer(s.getInputStream()))
          .startsWith("HTTP/1.1 413")
          .containsIgnoringCase("connection: close");
    }
  }

  @Test
  void aRouteMayTakeLargerBodiesAndItsRefusalNamesItsOwnLimit() throws Exception {
    long limit = 3L * HttpServer.MAX_REQUEST_BYTES;
    server = new HttpServer("127.0.0.1", 0);
    server.route("/small", bodyLength());
    server.route("/large", bodyLength(), limit);
    address = server.start();
    byte[] fits = new byte[(int) limit];
    assertThat(send(to("/large").POST(HttpRequest.BodyPublishers.ofByteArray(fits)))
            .body())
        .isEqualTo(Integer.toString(fits.length));
    HttpResponse<String> tooLarge = send(to("/large")
        .expectContinue(true)
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) limit + 1])));
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).contains("larger than " + limit + " bytes");
    HttpResponse<String> small = send(to("/small")
        .expectContinue(true)
        .POST(HttpRequest.BodyPublishers.ofByteArray(
            new byte[(int) HttpServer.MAX_REQUEST_BYTES + 1])));
    assertThat(small.statusCode()).isEqualTo(413);
    assertThat(small.body()).contains("larger than " + HttpServer.MAX_REQUEST_BYTES + " bytes");
  }

  @Test
  void headersOverTheLimitAreRefusedWith431() throws Exception {
    start(Map.of("/echo", bodyLength()));
    HttpResponse<String> r =
        send(to("/echo").header("X-Padding", "x".repeat(HttpServer.MAX_HEADER_BYTES + 1)));
    assertThat(r.statusCode()).isEqualTo(431);
  }

  @Test
  void anIdleConnectionIsClosedByTheServer() throws Exception {
    start(Map.of());
    // Not waiting out the 30 s: the connector's setting is what closes it.
    try (Socket s = new Socket("127.0.0.1", address.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(status).isEqualTo("HTTP/1.1 404");
    }
    assertThat(HttpServer.IDLE_TIMEOUT_MS).isEqualTo(30_000);
  }

  @Test
  void aTakenPortIsAnErrorNamingTheAddressAndTheSetting() throws Exception {
    start(Map.of());
    HttpServer second = new HttpServer("127.0.0.1", address.getPort());
    assertThatThrownBy(second::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot listen on 127.0.0.1:" + address.getPort())
        .hasMessageContaining("SWITCHBOARD_HTTP_PORT");
  }

  @Test
  void routesCannotBeAddedOnceStarted() throws Exception {
    start(Map.of());
    assertThatThrownBy(() -> server.route("/late", bodyLength()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void healthAnswersJsonAndRefusesOtherMethods() throws Exception {
    AtomicReference<HealthReport> report = new AtomicReference<>(new HealthReport(
        "running",
        List.of(),
        true,
        true,
        Map.of("telegram", new HealthReport.Platform("connected", null)),
        List.of()));
    server = new HttpServer("127.0.0.1", 0);
    HealthEndpoints.install(server, report::get);
    address = server.start();
    HttpResponse<String> ok = send(to("/health"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(ok.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(ok.body())
        .contains("\"status\":\"ok\"")
        .contains("\"telegram\":{\"state\":\"connected\",\"last_error\":null}");

    report.set(new HealthReport(
        "starting", List.of("the gateway is starting"), false, true, Map.of(), List.of()));
    HttpResponse<String> starting = send(to("/health"));
    assertThat(starting.statusCode()).isEqualTo(503);
    assertThat(starting.body()).contains("\"problems\":[\"the gateway is starting\"]");
    assertThat(send(to("/ready")).statusCode()).isEqualTo(503);
    assertThat(send(to("/live")).statusCode()).as("starting is alive").isEqualTo(200);

    HttpResponse<String> head =
        send(to("/health").method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(head.statusCode()).isEqualTo(503);
    assertThat(head.body()).isEmpty();
    HttpResponse<String> post = send(to("/health").POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  /** Reads the body as a JSON object and answers its size, or the refusal. */
  private static Handler jsonObject() {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        try {
          int size = JsonExchange.readObject(request).size();
          JsonExchange.send(
              response, callback, 200, JsonExchange.json().createObjectNode().put("size", size));
        } catch (JsonExchange.BadRequest e) {
          JsonExchange.error(response, callback, e.status(), e.getMessage());
        }
        return true;
      }
    };
  }

  /** What a raw request gets: the whole answer, headers and body. */
  private String raw(byte[] request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", address.getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request);
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static byte[] post(String path, String type, byte[] body) {
    byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + "Content-Type: " + type + "\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  @Test
  void everyErrorIsJsonWithoutAServerHeaderAnExceptionOrAStack() throws Exception {
    start(Map.of(
        "/boom",
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            throw new IllegalStateException("internal detail 42");
          }
        },
        "/echo",
        bodyLength()));
    HttpResponse<String> failed = send(to("/boom"));
    HttpResponse<String> missing = send(to("/nothing"));
    HttpResponse<String> tooBig = send(to("/echo")
        .expectContinue(true)
        .POST(HttpRequest.BodyPublishers.ofByteArray(
            new byte[(int) HttpServer.MAX_REQUEST_BYTES + 1])));
    HttpResponse<String> headers =
        send(to("/echo").header("X-Padding", "x".repeat(HttpServer.MAX_HEADER_BYTES + 1)));
    assertThat(List.of(
            failed.statusCode(), missing.statusCode(), tooBig.statusCode(), headers.statusCode()))
        .containsExactly(500, 404, 413, 431);
    for (HttpResponse<String> r : List.of(failed, missing, tooBig, headers)) {
      assertThat(r.headers().firstValue("Server")).isEmpty();
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(JsonExchange.json().readTree(r.body()).path("error").isString())
          .as(r.body())
          .isTrue();
      assertThat(r.body())
          .doesNotContain("Exception")
          .doesNotContain("internal detail")
          .doesNotContain("at dev.")
          .doesNotContainIgnoringCase("jetty");
    }
    assertThat(tooBig.body()).contains(Long.toString(HttpServer.MAX_REQUEST_BYTES));
    // A malformed request line never reaches a handler; its answer is JSON all the same.
    assertThat(raw(
            "GET /echo\u0000 HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)))
        .startsWith("HTTP/1.1 400")
        .doesNotContainIgnoringCase("server:")
        .doesNotContain("Exception");
  }

  @Test
  void aMountCanShapeTheErrorsUnderItsPaths() throws Exception {
    server = new HttpServer("127.0.0.1", 0);
    server.route("/v1/*", jsonObject());
    server.errorsUnder("/v1/", (status, message) -> {
      var body = JsonExchange.json().createObjectNode();
      body.putObject("error").put("message", message).put("status", status);
      return body;
    });
    address = server.start();
    HttpResponse<String> tooBig = send(to("/v1/x")
        .header("Content-Type", "application/json")
        .expectContinue(true)
        .POST(HttpRequest.BodyPublishers.ofByteArray(
            new byte[(int) HttpServer.MAX_REQUEST_BYTES + 1])));
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(JsonExchange.json()
            .readTree(tooBig.body())
            .path("error")
            .path("status")
            .asInt())
        .isEqualTo(413);
    assertThat(JsonExchange.json()
            .readTree(send(to("/other")).body())
            .path("error")
            .isString())
        .isTrue();
  }

  @Test
  void aJsonBodyMustBeUtf8WithinTheLimitAndOfReasonableDepth() throws Exception {
    start(Map.of("/json", jsonObject()));
    assertThat(raw(post("/json", "application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8))))
        .startsWith("HTTP/1.1 200")
        .contains("{\"size\":1}");

    byte[] latin1 = "{\"text\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(raw(post("/json", "application/json", latin1)))
        .startsWith("HTTP/1.1 400")
        .contains("not valid UTF-8");

    String deep = "{\"a\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}";
    assertThat(raw(post("/json", "application/json", deep.getBytes(StandardCharsets.UTF_8))))
        .startsWith("HTTP/1.1 400")
        .contains("nests too deeply")
        .doesNotContain("Constraints");

    assertThat(raw(post("/json", "text/plain", "{}".getBytes(StandardCharsets.UTF_8))))
        .startsWith("HTTP/1.1 415");

    // Chunked, so no Content-Length tells the size up front: refused as it goes over.
    HttpResponse<String> chunked = send(to("/json")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
            ("{\"a\":\"" + "x".repeat((int) HttpServer.MAX_REQUEST_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8)))));
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(chunked.body()).contains("larger than " + HttpServer.MAX_REQUEST_BYTES);
  }

  @Test
  void anIdleKeepAliveConnectionDoesNotHoldTheStop() throws Exception {
    start(Map.of("/echo", bodyLength()));
    try (Socket browser = new Socket("127.0.0.1", address.getPort())) {
      browser
          .getOutputStream()
          .write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Content-Length: 2\r\n\r\nab")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] answer = new byte[512];
      int read = browser.getInputStream().read(answer);
      assertThat(new String(answer, 0, read, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
      // the connection stays open and idle, as a browser keeps it
      long started = System.nanoTime();
      server.close();
      server = null;
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(Duration.ofMillis(1_000));
    }
  }
}
