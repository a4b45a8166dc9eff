package dev.switchboard.bench.jmh;

import dev.switchboard.common.HttpCalls;
import dev.switchboard.common.JettyCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Bot API call (a small JSON POST answered with a small JSON body) on a loopback Jetty
 * server, through each client the gateway has used for it: {@code jdk} as TelegramApi made it
 * until issue 18's second pass (the JDK client, a virtual thread per task, {@link
 * HttpCalls#await}), {@code jetty} as it makes it now ({@link JettyCalls#send}). Eight callers at
 * once, as a busy gateway's turns send. Run with {@code -prof gc} to see the bytes each allocates
 * per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Threads(8)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m"})
public class HttpClientBench {
  private static final String BODY = "{\"chat_id\":10042,\"text\":\"hello 17 42 the quick brown fox\"}";
  private static final String ANSWER = "{\"ok\":true,\"result\":{\"message_id\":7,\"date\":1,"
      + "\"chat\":{\"id\":10042,\"type\":\"private\"},\"text\":\"hello 17 42 the quick brown fox\"}}";
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private Server server;
  private URI uri;
  private HttpClient jdk;
  private org.eclipse.jetty.client.HttpClient jetty;

  @Setup(Level.Trial)
  public void start() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        Content.Source.consumeAll(request);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, ANSWER, callback);
        return true;
      }
    });
    server.start();
    uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/bot1:x/sendMessage");
    jdk = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
    jetty = JettyCalls.start("bench-http");
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    jdk.shutdownNow();
    JettyCalls.stop(jetty);
    server.stop();
  }

  @Benchmark
  public int jdk() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(DEADLINE)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(BODY, StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> r = HttpCalls.await(
        jdk.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)),
        DEADLINE);
    return r.body().length();
  }

  @Benchmark
  public int jetty() throws Exception {
    ContentResponse r = JettyCalls.send(
        jetty.POST(uri).body(new StringRequestContent("application/json", BODY)), DEADLINE);
    return new String(r.getContent(), StandardCharsets.UTF_8).length();
  }
}
