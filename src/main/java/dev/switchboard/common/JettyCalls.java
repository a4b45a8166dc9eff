package dev.switchboard.common;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Calls on Jetty's HTTP client, for the calls every message makes (the Bot API's, the model's).
 * Chosen over the JDK's client by measurement ({@code bench/README.md}, closed loop, 100 chats,
 * two rounds interleaved in one session). For Telegram, the gateway's peak RSS fell from 197.5
 * and 195.9 MB to 131.0 and 134.9 MB, and its CPU per message from 1.72 and 1.70 ms to 1.56 and
 * 1.38 ms. For the model call, CPU per message fell from 1.73 and 1.80 ms to 1.57 and 1.51 ms.
 * JMH ({@code HttpClientBench}) shows the JDK client allocating three times the bytes per call.
 */
public final class JettyCalls {
  /** The longest answer read into memory; the Bot API's largest (100 updates) is far below. */
  public static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** How long a kept connection may sit unused before it is closed. */
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** Jetty's client needs a few threads of its own: its selector and the calls it completes. */
  private static final int MAX_POOL_THREADS = 8;
  /** The client's own total timeout fires at the deadline; this is only the backstop after it. */
  private static final Duration BACKSTOP = Duration.ofSeconds(1);

  private JettyCalls() {}

  /**
   * A started client named {@code name} (its threads say so): no redirects followed, no cookies
   * kept, connections given up after 10 s of connecting, work that may block run on virtual
   * threads.
   */
  public static HttpClient start(String name) {
    return start(name, CONNECT_TIMEOUT);
  }

  /** As {@link #start(String)}, with connections given up after {@code connectTimeout}. */
  public static HttpClient start(String name, Duration connectTimeout) {
    Executor virtual = Executors.newVirtualThreadPerTaskExecutor();
    QueuedThreadPool pool = new QueuedThreadPool(MAX_POOL_THREADS, 1);
    pool.setName(name);
    pool.setVirtualThreadsExecutor(virtual);
    Scheduler scheduler = new ScheduledExecutorScheduler(name + "-scheduler", true);
    HttpClient client = new HttpClient();
    client.setExecutor(pool);
    client.setScheduler(scheduler);
    // Name lookups block: on virtual threads they cannot hold up the client's few threads.
    client.setSocketAddressResolver(
        new SocketAddressResolver.Async(virtual, scheduler, connectTimeout.toMillis()));
    client.setConnectTimeout(connectTimeout.toMillis());
    client.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    client.setFollowRedirects(false);
    client.setHttpCookieStore(new HttpCookieStore.Empty());
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("the HTTP client " + name + " did not start", e);
    }
    // Answers are the caller's to read: a 401 without a challenge (as the Bot API sends it) is
    // not a protocol violation here, and no credentials are ever sent again on a challenge.
    // Jetty adds these handlers when the client starts.
    client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
    client.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
    return client;
  }

  /** Stops {@code client}, failing the calls still running. */
  public static void stop(HttpClient client) {
    try {
      client.stop();
    } catch (Exception e) {
      // stopping is all that was wanted; the calls it ends fail on their own
    }
  }

  /**
   * Sends {@code request} and waits for its whole answer, at most {@code deadline} from now (a
   * long poll may be silent that long, so the connection's idle timeout is the deadline too). A
   * call ended by this thread's interrupt is aborted.
   *
   * <p>A call that failed before Jetty began to send it on a connection (queued behind others,
   * resolving the name, connecting, refused, timed out meanwhile) was not sent: Jetty reports
   * the request's begin before it writes a byte. Once begun, the server may have acted on it.
   */
  public static ContentResponse send(Request request, Duration deadline)
      throws HttpCalls.Unanswered, InterruptedException {
    AtomicBoolean begun = new AtomicBoolean();
    request
        .timeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .idleTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .onRequestBegin(r -> begun.set(true));
    CompletableFuture<ContentResponse> answer =
        new CompletableResponseListener(request, MAX_ANSWER_BYTES).send();
    try {
      return answer.get(deadline.plus(BACKSTOP).toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // Only if Jetty's own timeout did not end it: the call may begin while this aborts it.
      abort(request, e);
      throw new HttpCalls.Unanswered(true, false, e);
    } catch (InterruptedException e) {
      abort(request, e);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new HttpCalls.Unanswered(cause instanceof TimeoutException, !begun.get(), cause);
    }
  }

  private static void abort(Request request, Throwable why) {
    // Whether this abort or the call's own ending came first makes no difference here.
    CompletableFuture<Boolean> _ = request.abort(why);
  }
}
