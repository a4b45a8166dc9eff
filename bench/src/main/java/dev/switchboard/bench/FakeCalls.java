package dev.switchboard.bench;

import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fake's own cost per message, timed with a plain HTTP client (set up like the gateway's)
 * against a fake of its own, one call at a time: how long a parked getUpdates takes to bring
 * an injected message to the client, and the round trip of one sendMessage.
 */
final class FakeCalls {
  record Result(Histogram wake, Histogram sendRtt) {}

  private FakeCalls() {}

  static Result measure(String token, int warmup, int count) throws Exception {
    try (FakeTelegramServer fake = FakeTelegramServer.start(token, "switchboard_bench_bot")) {
      fake.disableFloodControl();
      long uid = Load.FIRST_USER;
      fake.registerUser(uid, "Bench", "Calibration", "bench_calibration");
      JsonMapper json = JsonMapper.builder().build();
      HttpClient http = HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .executor(Executors.newVirtualThreadPerTaskExecutor())
          .build();
      URI base = URI.create(fake.baseUrl());

      // getUpdates: inject while a poll is parked; time until the client has the answer
      Histogram wake = new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
      SynchronousQueue<Long> received = new SynchronousQueue<>();
      Thread poller = Thread.ofVirtual().start(() -> {
        long offset = 0;
        try {
          while (!Thread.currentThread().isInterrupted()) {
            ObjectNode p = json.createObjectNode();
            p.put("offset", offset);
            p.put("timeout", 25);
            p.putArray("allowed_updates").add("message");
            JsonNode updates = NullBot.call(http, json, base, fake.token(), "getUpdates", p,
                Duration.ofSeconds(40));
            long at = Latency.epochNanos();
            for (JsonNode u : updates) {
              offset = Math.max(offset, u.path("update_id").asLong() + 1);
            }
            received.put(at);
          }
        } catch (InterruptedException e) {
          // done
        } catch (Exception e) {
          System.err.println("bench: calibration poller failed: " + e);
        }
      });
      for (int i = 0; i < warmup + count; i++) {
        fake.awaitLongPoll(Duration.ofSeconds(10));
        long t0 = Latency.epochNanos();
        fake.privateMessage(uid, "calibration " + i);
        long t1 = received.take();
        if (i >= warmup) {
          Latency.record(wake, t1 - t0);
        }
      }
      poller.interrupt();

      // sendMessage round trip, with the gateway's parameters for an echo reply
      Histogram rtt = new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
      for (int i = 0; i < warmup + count; i++) {
        ObjectNode send = json.createObjectNode();
        send.put("chat_id", uid);
        send.put("text", "hello 0 " + i + " the quick brown fox jumps over the lazy dog");
        send.put("parse_mode", "HTML");
        send.putObject("link_preview_options").put("is_disabled", true);
        long t0 = System.nanoTime();
        NullBot.call(http, json, base, fake.token(), "sendMessage", send, Duration.ofSeconds(30));
        if (i >= warmup) {
          Latency.record(rtt, System.nanoTime() - t0);
        }
      }
      http.shutdownNow();
      return new Result(wake, rtt);
    }
  }
}
