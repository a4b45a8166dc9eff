package dev.switchboard.platform.signal;

import dev.switchboard.common.Deadline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits until a started signal-cli answers {@code GET /api/v1/check} with 200, which its HTTP
 * server does from the moment it listens, after the account is loaded. Between two tries it
 * waits on the child's exit, so a child that dies ends the wait at once.
 */
final class ReadinessProbe {
  /** How a wait ended. */
  sealed interface Outcome {
    /** The child answered 200. */
    record Ready() implements Outcome {}

    /** The child exited first. */
    record Exited(int code) implements Outcome {}

    /** Neither within the time given; {@code last} says what the last try saw. */
    record TimedOut(String last) implements Outcome {}
  }

  /** One try may take this long; a server that accepts and never answers is not ready. */
  private static final Duration TRY_TIMEOUT = Duration.ofSeconds(2);

  private final HttpClient http;
  private final Duration interval;

  ReadinessProbe(HttpClient http, Duration interval) {
    this.http = http;
    this.interval = interval;
  }

  Outcome await(URI baseUrl, Process child, Deadline deadline) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve("/api/v1/check"))
        .timeout(TRY_TIMEOUT)
        .GET()
        .build();
    String last = "no answer yet";
    while (true) {
      if (!child.isAlive()) {
        return new Outcome.Exited(child.exitValue());
      }
      try {
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
          return new Outcome.Ready();
        }
        last = "HTTP " + status;
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      }
      if (deadline.expired()) {
        return new Outcome.TimedOut(last);
      }
      try {
        int code = child
            .onExit()
            .get(deadline.remainingAtMost(interval).toNanos(), TimeUnit.NANOSECONDS)
            .exitValue();
        return new Outcome.Exited(code);
      } catch (TimeoutException e) {
        // still running: try again
      } catch (ExecutionException e) {
        throw new IllegalStateException("waiting for signal-cli to exit failed", e.getCause());
      }
    }
  }
}
