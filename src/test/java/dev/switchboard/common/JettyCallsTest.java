package dev.switchboard.common;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.transport.HttpDestination;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a call on Jetty's client reports, against a loopback socket that answers, hangs up or
 * stays silent exactly when told, so "not sent" and "timed out" are decided by what the server
 * did, not by timing.
 */
class JettyCallsTest {
  private final HttpClient client = JettyCalls.start("test-http");
  /** For the tests whose server holds a call: it arrived, and may be answered. */
  private final CountDownLatch arrived = new CountDownLatch(1);

  private final CountDownLatch release = new CountDownLatch(1);
  private ServerSocket server;

  @AfterEach
  void stop() throws IOException {
    release.countDown();
    JettyCalls.stop(client);
    if (server != null) {
      server.close();
    }
  }

  /** Serves one connection on a virtual thread: reads the request's head, then {@code then}. */
  private URI serve(Consumer<Socket> then) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      try (Socket s = server.accept()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), US_ASCII));
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
          // the head only; these requests' bodies are not needed
        }
        then.accept(s);
      } catch (IOException e) {
        // the test's own assertions say what went wrong
      }
    });
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/bot/call");
  }

  private ContentResponse call(URI uri, Duration deadline)
      throws HttpCalls.Unanswered, InterruptedException {
    return JettyCalls.send(
        client.POST(uri).body(new StringRequestContent("application/json", "{}")), deadline);
  }

  @Test
  void anAnswerIsReturnedWhole() throws Exception {
    URI uri = serve(s -> write(s, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"));
    ContentResponse r = call(uri, Duration.ofSeconds(5));
    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(r.getContentAsString()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void aStatusWithoutAChallengeIsAnAnswerLikeAnyOther() throws Exception {
    URI uri = serve(
        s -> write(s, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\n\r\n{\"ok\":false}"));
    ContentResponse r = call(uri, Duration.ofSeconds(5));
    assertThat(r.getStatus()).isEqualTo(401);
    assertThat(r.getContentAsString()).isEqualTo("{\"ok\":false}");
  }

  @Test
  void aRefusedConnectionIsNotSent() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    HttpCalls.Unanswered e = catchThrowableOfType(
        HttpCalls.Unanswered.class,
        () -> call(URI.create("http://127.0.0.1:" + port + "/x"), Duration.ofSeconds(5)));
    assertThat(e.timedOut()).isFalse();
    assertThat(e.notSent()).isTrue();
  }

  @Test
  void aCallRefusedBecauseTooManyWaitForAConnectionIsNotSent() throws Exception {
    client.setMaxConnectionsPerDestination(1);
    client.setMaxRequestsQueuedPerDestination(1);
    URI uri = serve(s -> {
      arrived.countDown();
      await(release);
    });
    Thread first = holdTheOnlyConnection(uri);
    Thread second =
        Thread.ofVirtual().start(() -> quietly(() -> call(uri, Duration.ofSeconds(30))));
    Awaitility.await()
        .until(() -> client.getDestinations().getFirst() instanceof HttpDestination d
            && d.getQueuedRequestCount() == 1);
    HttpCalls.Unanswered e =
        catchThrowableOfType(HttpCalls.Unanswered.class, () -> call(uri, Duration.ofSeconds(5)));
    release.countDown();
    assertThat(e.getCause()).isInstanceOf(RejectedExecutionException.class);
    assertThat(e.notSent()).isTrue();
    assertThat(e.timedOut()).isFalse();
    first.interrupt();
    second.interrupt();
  }

  @Test
  void aCallThatTimedOutWaitingForAConnectionWasNotSent() throws Exception {
    client.setMaxConnectionsPerDestination(1);
    URI uri = serve(s -> {
      arrived.countDown();
      await(release);
    });
    Thread first = holdTheOnlyConnection(uri);
    HttpCalls.Unanswered e =
        catchThrowableOfType(HttpCalls.Unanswered.class, () -> call(uri, Duration.ofMillis(300)));
    release.countDown();
    assertThat(e.timedOut()).isTrue();
    assertThat(e.notSent()).isTrue();
    first.interrupt();
  }

  /** A call the server holds unanswered until {@code release}: it has the one connection. */
  private Thread holdTheOnlyConnection(URI uri) throws InterruptedException {
    Thread held = Thread.ofVirtual().start(() -> quietly(() -> call(uri, Duration.ofSeconds(30))));
    assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
    return held;
  }

  private static void quietly(Callable<?> call) {
    try {
      call.call();
    } catch (Exception e) {
      // the test ends these calls; how they end is not what it checks
    }
  }

  @Test
  void aHangUpAfterTheRequestWasReadMayHaveBeenActedOn() throws Exception {
    URI uri = serve(s -> {});
    HttpCalls.Unanswered e =
        catchThrowableOfType(HttpCalls.Unanswered.class, () -> call(uri, Duration.ofSeconds(5)));
    assertThat(e.timedOut()).isFalse();
    assertThat(e.notSent()).isFalse();
  }

  @Test
  void aSilentServerTimesOutAtTheDeadline() throws Exception {
    URI uri = serve(s -> await(release));
    long start = System.nanoTime();
    HttpCalls.Unanswered e =
        catchThrowableOfType(HttpCalls.Unanswered.class, () -> call(uri, Duration.ofMillis(300)));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    release.countDown();
    assertThat(e.timedOut()).isTrue();
    assertThat(e.notSent()).isFalse();
    // Jetty's own total timeout, well before the backstop a second later
    assertThat(e.getCause()).isInstanceOf(TimeoutException.class);
    assertThat(tookMs).isBetween(250L, 999L);
  }

  @Test
  void anAnswerStalledPartWayTimesOutToo() throws Exception {
    URI uri = serve(s -> {
      write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"ok\":");
      await(release);
    });
    HttpCalls.Unanswered e =
        catchThrowableOfType(HttpCalls.Unanswered.class, () -> call(uri, Duration.ofMillis(300)));
    release.countDown();
    assertThat(e.timedOut()).isTrue();
  }

  @Test
  void anInterruptEndsTheWaitAndTheCall() throws Exception {
    URI uri = serve(s -> {
      arrived.countDown();
      await(release);
    });
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    Thread caller = Thread.ofVirtual().start(() -> {
      try {
        call(uri, Duration.ofSeconds(30));
        ended.complete(new AssertionError("answered"));
      } catch (Exception e) {
        ended.complete(e);
      }
    });
    assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    assertThat(ended.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    // the aborted call's connection is closed, not kept for the next call (the server still
    // holds its end open)
    Awaitility.await()
        .until(() -> client.getDestinations().getFirst().getConnectionPool().isEmpty());
    release.countDown();
  }

  private static void write(Socket s, String text) {
    try {
      OutputStream out = s.getOutputStream();
      out.write(text.getBytes(US_ASCII));
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
