package dev.switchboard.platform.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.ReconnectingLoop;
import dev.switchboard.testing.CannedHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a daemon (or something else at its address) may answer: event streams in every line
 * ending and field form the server-sent events standard allows, and HTTP answers that are not
 * JSON-RPC at all.
 */
class SignalOddInputTest {
  private final CannedHttpServer server = CannedHttpServer.start();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger connected = new AtomicInteger();

  @AfterEach
  void tearDown() {
    server.close();
    http.close();
  }

  private final ReconnectingLoop.Link link = new ReconnectingLoop.Link() {
    @Override
    public boolean connected() {
      return connected.incrementAndGet() == 1;
    }

    @Override
    public void alive() {}

    @Override
    public void pause(Duration wait) {}
  };

  private ReconnectingLoop.End stream(URI base) throws InterruptedException {
    return new EventStream(http, base, "+4915100000001", new EventStream.Events() {
          @Override
          public Optional<ReconnectingLoop.End> preflight() {
            return Optional.empty();
          }

          @Override
          public void receive(String data) {
            received.add(data);
          }
        })
        .run(link);
  }

  private void answer(int status, String body) {
    server.answer(new CannedHttpServer.Answer(
        status,
        Map.of("Content-Type", "text/event-stream"),
        body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void everyFormOfAnEventIsReadAndOnlyReceiveEventsArePassedOn() throws Exception {
    answer(
        200,
        "event:receive\r\ndata:{\"a\":1}\r\n\r\n"
            + ":\n"
            + ": a comment\n"
            + "event: receive\ndata: line1\ndata:line2\n\n"
            + "event:other\ndata:not for us\n\n"
            + "data:untyped\n\n"
            + "id:5\nretry:100\nevent:receive\rdata:last\r\r"
            + "\n\n"
            + "event:receive\ndata:cut off by the end");
    ReconnectingLoop.End end = stream(server.uri());
    assertThat(received).containsExactly("{\"a\":1}", "line1\nline2", "untyped", "last");
    assertThat(connected).hasValue(1);
    assertThat(end.toString()).startsWith("retry:").contains("closed its event stream");
  }

  @Test
  void aBadRequestIsAnAccountTheDaemonDoesNotHaveAndOtherStatusesAreRetried() throws Exception {
    answer(400, "");
    assertThat(stream(server.uri()).toString()).startsWith("fatal:").contains("no such account");
    answer(503, "busy");
    assertThat(stream(server.uri()).toString()).startsWith("retry:").contains("503");
    assertThat(stream(URI.create("http://127.0.0.1:1")).toString())
        .startsWith("retry:")
        .contains("not answering");
    assertThat(connected).hasValue(0);
    assertThat(received).isEmpty();
  }

  private PlatformException rpcFails(int status, String body) {
    server.answer(new CannedHttpServer.Answer(
        status, Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8)));
    SignalRpc rpc = new SignalRpc(http, server.uri(), "+4915100000001");
    return catchThrowableOfType(
        PlatformException.class, () -> rpc.call("send", rpc.params(), Duration.ofSeconds(5), true));
  }

  @Test
  void answersThatAreNotJsonRpcAreFailuresThatSayWhat() {
    assertThat(rpcFails(200, "<html>hello</html>").getMessage()).contains("not JSON");
    assertThat(rpcFails(200, "{\"jsonrpc\":\"2.0\",\"id\":\"1\"}").getMessage())
        .contains("neither a result nor an error");
    assertThat(rpcFails(415, "").fatal()).isTrue();
    assertThat(rpcFails(421, "").getMessage()).contains("Host");
    assertThat(rpcFails(502, "bad gateway").kind()).isEqualTo(PlatformException.Kind.TRANSIENT);
    assertThat(rpcFails(200, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":\"x\"},\"id\":\"1\"}")
            .kind())
        .isEqualTo(PlatformException.Kind.TRANSIENT); // no code: read as an internal error
  }
}
