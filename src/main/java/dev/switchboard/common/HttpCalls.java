package dev.switchboard.common;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * What the platforms' HTTP clients share about a call that ended without an answer: whether the
 * request can have reached the server at all, which decides whether a send may simply be made
 * again (nothing was sent) or its outcome is unknown.
 */
public final class HttpCalls {
  /** The client's own timeout fires at the deadline; this is only the backstop after it. */
  private static final Duration BACKSTOP = Duration.ofSeconds(1);

  private HttpCalls() {}

  /**
   * True when {@code failure} means no connection was made (refused, timed out while connecting,
   * the host name not resolved), so the server cannot have seen the request.
   */
  public static boolean notSent(@Nullable Throwable failure) {
    if (failure == null) {
      return false;
    }
    Throwable cause = failure.getCause();
    return failure instanceof ConnectException
        || failure instanceof HttpConnectTimeoutException
        || failure instanceof UnresolvedAddressException
        || cause instanceof ConnectException
        || cause instanceof UnresolvedAddressException;
  }

  /** A call that ended without an answer. */
  public static final class Unanswered extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean timedOut;
    private final boolean notSent;

    private Unanswered(boolean timedOut, @Nullable Throwable cause) {
      this(timedOut, !timedOut && HttpCalls.notSent(cause), cause);
    }

    Unanswered(boolean timedOut, boolean notSent, @Nullable Throwable cause) {
      super(cause);
      this.timedOut = timedOut;
      this.notSent = notSent;
    }

    /** No complete answer came by the deadline. */
    public boolean timedOut() {
      return timedOut;
    }

    /** The request cannot have reached the server. */
    public boolean notSent() {
      return notSent;
    }
  }

  /**
   * The answer of an asynchronous exchange, waited for until {@code deadline} (and a second's
   * backstop); an exchange still running then is cancelled, as it is when this thread is
   * interrupted.
   */
  public static <T> HttpResponse<T> await(
      CompletableFuture<HttpResponse<T>> future, Duration deadline)
      throws Unanswered, InterruptedException {
    try {
      return future.get(deadline.plus(BACKSTOP).toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new Unanswered(true, e);
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw new Unanswered(false, e.getCause());
    }
  }
}
