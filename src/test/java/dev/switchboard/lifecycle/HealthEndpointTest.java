package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.http.HttpServer;
import dev.switchboard.platform.PlatformRecords;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.session.Dispatcher;
import dev.switchboard.store.Conversations;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.HomeChannels;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.store.Jobs;
import dev.switchboard.store.Leases;
import dev.switchboard.store.Outbox;
import dev.switchboard.store.Pairings;
import dev.switchboard.store.Store;
import dev.switchboard.testing.ForwardingConversations;
import dev.switchboard.testing.GatedBackend;
import dev.switchboard.testing.InMemoryAdapter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * /health and /ready of a gateway in this JVM: they follow the dispatch loop's real progress
 * and the platforms' states (lifecycle rule 10), not the open socket they are served on.
 */
class HealthEndpointTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path home;

  private final HttpClient client = HttpClient.newHttpClient();
  private final InMemoryAdapter chat = new InMemoryAdapter("chat");
  private final AtomicLong shift = new AtomicLong();
  private RuntimeHarness h;

  record Answer(int status, JsonNode body) {}

  private RuntimeHarness harness() {
    h = new RuntimeHarness(home);
    h.adapters.add(chat);
    h.httpServer = new HttpServer("127.0.0.1", 0);
    h.ticker = () -> System.nanoTime() + shift.get();
    return h;
  }

  @AfterEach
  void stop() throws Exception {
    RuntimeHarness.stopIfRunning(h);
    client.close();
  }

  private Answer get(String path) throws Exception {
    String address = h.state().http();
    HttpResponse<String> r = client.send(
        HttpRequest.newBuilder(URI.create("http://" + address + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  @Test
  void aRunningGatewayIsHealthyAndReadyAndSaysWhatItRuns() throws Exception {
    harness().start();
    Answer health = get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().path("status").asString()).isEqualTo("ok");
    assertThat(health.body().path("state").asString()).isEqualTo("running");
    assertThat(health.body().path("platforms").path("chat").path("state").asString())
        .isEqualTo("connected");
    assertThat(health.body().path("problems").isEmpty()).isTrue();
    assertThat(get("/ready").status()).isEqualTo(200);
    assertThat(h.state().http()).matches("127\\.0\\.0\\.1:\\d+");
  }

  @Test
  void aWedgedDispatchLoopMakesItUnhealthyUntilTheLoopMovesAgain() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    RuntimeHarness harness = harness();
    harness.storeWrapper = store -> new HangingNewConversations(store, entered, release);
    harness.start();
    assertThat(get("/health").status()).isEqualTo(200);

    chat.deliver("alice", "/new"); // runs on the loop and hangs in the store
    assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    shift.addAndGet(Dispatcher.LOOP_MAX_SILENCE.plusSeconds(1).toNanos());
    Answer wedged = get("/health");
    assertThat(wedged.status()).isEqualTo(503);
    assertThat(wedged.body().path("status").asString()).isEqualTo("unavailable");
    assertThat(wedged.body().path("stalled_loops").toString()).contains("dispatch-loop");
    assertThat(wedged.body().path("problems").get(0).asString())
        .startsWith("dispatch-loop has made no progress for ");
    // The socket is open and the platform is connected: neither makes it healthy.
    assertThat(wedged.body().path("platforms").path("chat").path("state").asString())
        .isEqualTo("connected");
    assertThat(get("/live").status())
        .as("a wedged loop is what liveness restarts on")
        .isEqualTo(503);

    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/health").status() == 200);
    assertThat(get("/live").status()).isEqualTo(200);
    assertThat(chat.transcript("alice")).contains("Started a new conversation.");
  }

  @Test
  void aDegradedPlatformMakesItUnhealthyWithTheReason() throws Exception {
    harness().start();
    chat.reportState(PlatformState.DEGRADED, "409 Conflict: another process polls this bot");
    Answer degraded = get("/health");
    assertThat(degraded.status()).isEqualTo(503);
    assertThat(degraded.body().path("problems").get(0).asString())
        .isEqualTo("chat is degraded: 409 Conflict: another process polls this bot");
    assertThat(degraded.body().path("platforms").path("chat").path("last_error").asString())
        .contains("409 Conflict");
    assertThat(get("/ready").status()).as("still takes turns").isEqualTo(200);
    Answer live = get("/live");
    assertThat(live.status()).as("a restart would not bring the platform back").isEqualTo(200);
    assertThat(live.body().path("live").asBoolean()).isTrue();
    assertThat(live.body().path("healthy").asBoolean()).isFalse();

    chat.reportState(PlatformState.CONNECTED, null);
    assertThat(get("/health").status()).isEqualTo(200);
  }

  @Test
  void whileDrainingItIsAliveButNotReady() throws Exception {
    GatedBackend agent = new GatedBackend();
    RuntimeHarness harness = harness();
    harness.backend = agent;
    harness.drainTimeout = Duration.ofSeconds(30);
    harness.start();
    chat.deliver("bob", "a long question");
    agent.awaitStart(10);
    h.runtime.onSignal("INT");
    await().atMost(Duration.ofSeconds(10)).until(() -> h.state().state().equals("draining"));
    Answer ready = get("/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.body().path("state").asString()).isEqualTo("draining");
    assertThat(get("/health").status()).isEqualTo(200);
    assertThat(get("/live").status()).isEqualTo(200);
    agent.finishAll();
    assertThat(h.exitCode()).isZero();
  }

  /** A store whose "new conversation" hangs, as a database that stopped answering would. */
  private record HangingNewConversations(
      Store store, CountDownLatch entered, CountDownLatch release) implements Store {
    @Override
    public InboundJournal journal() {
      return store.journal();
    }

    @Override
    public Outbox outbox() {
      return store.outbox();
    }

    @Override
    public PlatformRecords platformRecords(String platform) {
      return store.platformRecords(platform);
    }

    @Override
    public Cursors cursors() {
      return store.cursors();
    }

    @Override
    public HomeChannels homeChannels() {
      return store.homeChannels();
    }

    @Override
    public Jobs jobs() {
      return store.jobs();
    }

    @Override
    public Leases leases() {
      return store.leases();
    }

    @Override
    public Pairings pairings() {
      return store.pairings();
    }

    @Override
    public long bytesOnDisk() {
      return store.bytesOnDisk();
    }

    @Override
    public void compact() {
      store.compact();
    }

    @Override
    public void close() {
      store.close();
    }

    @Override
    public Conversations conversations() {
      Conversations real = store.conversations();
      return new ForwardingConversations(real) {
        @Override
        public int startNew(String sessionKey) {
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return real.startNew(sessionKey);
        }
      };
    }
  }
}
