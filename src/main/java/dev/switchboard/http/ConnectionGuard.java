package dev.switchboard.http;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.common.Ticker;
import dev.switchboard.common.WarningThrottle;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a listener's connections within its {@link ConnectionLimits} so that slow or
 * half-finished connections never crowd out a quick request such as a liveness probe.
 *
 * <p>Jetty's own connection limit stops accepting once it is reached, which is exactly what
 * starves the probe: the probe waits in the accept queue behind the clients that hold the slots.
 * Here a new connection is always accepted, and room is made by closing the connection that has
 * waited longest without a request in progress (half-sent headers, or an idle keep-alive); only
 * when every connection is busy with a request is the new one refused. A connection that does
 * not finish a request's headers within the header timeout is closed as well.
 */
final class ConnectionGuard implements Connection.Listener {
  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  /** One open connection. Its fields are read and written only under the guard's lock. */
  private static final class Tracked {
    final Connection connection;
    final @Nullable InetAddress address;
    final boolean exempt;
    boolean busy;
    long waitingSince;
    Scheduler.@Nullable Task deadline;

    Tracked(Connection connection, @Nullable InetAddress address, boolean exempt) {
      this.connection = connection;
      this.address = address;
      this.exempt = exempt;
    }
  }

  private final String name;
  private final ConnectionLimits limits;
  private final TrustedProxies exempt;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final WarningThrottle closedForRoom;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private final Map<Connection, Tracked> open = new HashMap<>();

  @GuardedBy("lock")
  private final Map<InetAddress, Integer> perAddress = new HashMap<>();

  ConnectionGuard(
      String name,
      ConnectionLimits limits,
      TrustedProxies exempt,
      Scheduler scheduler,
      Ticker ticker) {
    this.name = name;
    this.limits = limits;
    this.exempt = exempt;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.closedForRoom = new WarningThrottle(Duration.ofMinutes(1), ticker);
  }

  /** Wraps a listener's handlers so the guard knows which connections are in a request. */
  Handler tracking(Handler handler) {
    return new Handler.Wrapper(handler) {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        Connection connection = request.getConnectionMetaData().getConnection();
        requestBegan(connection);
        Request.addCompletionListener(request, failure -> requestEnded(connection));
        return super.handle(request, response, callback);
      }
    };
  }

  /** Connections open now. */
  int size() {
    lock.lock();
    try {
      return open.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onOpened(Connection connection) {
    InetAddress address =
        connection.getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress inet
            ? inet.getAddress()
            : null;
    Tracked tracked = new Tracked(connection, address, address == null || exempt.trusts(address));
    List<Connection> toClose = new ArrayList<>();
    lock.lock();
    try {
      if (makeRoom(tracked, toClose)) {
        open.put(connection, tracked);
        if (address != null) {
          perAddress.merge(address, 1, Integer::sum);
        }
        startWaiting(tracked);
      } else {
        toClose.add(connection);
      }
    } finally {
      lock.unlock();
    }
    for (Connection c : toClose) {
      c.getEndPoint().close(new IOException("closed to stay within the connection limits"));
    }
    if (!toClose.isEmpty()) {
      closedForRoom
          .occurred(toClose.size())
          .ifPresent(n -> log.warn(
              "{}: closed {} connection(s) since the last warning to stay within {} per client"
                  + " address and {} in all (the latest for a connection from {})",
              name,
              n,
              limits.perAddress(),
              limits.total(),
              address == null ? "an unknown address" : address.getHostAddress()));
    }
  }

  @Override
  public void onClosed(Connection connection) {
    lock.lock();
    try {
      Tracked t = open.get(connection);
      if (t != null) {
        forget(t);
      }
    } finally {
      lock.unlock();
    }
  }

  private void requestBegan(Connection connection) {
    lock.lock();
    try {
      Tracked t = open.get(connection);
      if (t != null) {
        t.busy = true;
        cancelDeadline(t);
      }
    } finally {
      lock.unlock();
    }
  }

  private void requestEnded(Connection connection) {
    lock.lock();
    try {
      Tracked t = open.get(connection);
      if (t != null) {
        startWaiting(t);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Picks the connections to close so that {@code incoming} fits, into {@code evicted}; false
   * when it cannot fit because every candidate is in a request.
   */
  @GuardedBy("lock")
  private boolean makeRoom(Tracked incoming, List<Connection> evicted) {
    Tracked forAddress = null;
    if (!incoming.exempt
        && incoming.address != null
        && perAddress.getOrDefault(incoming.address, 0) >= limits.perAddress()) {
      forAddress = longestWaiting(incoming.address, null);
      if (forAddress == null) {
        return false;
      }
    }
    Tracked forTotal = null;
    if (open.size() - (forAddress == null ? 0 : 1) >= limits.total()) {
      forTotal = longestWaiting(null, forAddress);
      if (forTotal == null) {
        return false;
      }
    }
    for (Tracked t : new Tracked[] {forAddress, forTotal}) {
      if (t != null) {
        forget(t);
        evicted.add(t.connection);
      }
    }
    return true;
  }

  /** The connection waiting longest for a request, from {@code address} (null: any). */
  @GuardedBy("lock")
  private @Nullable Tracked longestWaiting(@Nullable InetAddress address, @Nullable Tracked not) {
    Tracked best = null;
    for (Tracked t : open.values()) {
      if (!t.busy
          && t != not
          && (address == null || address.equals(t.address))
          && (best == null || t.waitingSince - best.waitingSince < 0)) {
        best = t;
      }
    }
    return best;
  }

  @GuardedBy("lock")
  private void forget(Tracked t) {
    open.remove(t.connection);
    cancelDeadline(t);
    if (t.address != null) {
      perAddress.computeIfPresent(t.address, (a, n) -> n == 1 ? null : n - 1);
    }
  }

  @GuardedBy("lock")
  private void startWaiting(Tracked t) {
    cancelDeadline(t);
    t.busy = false;
    long since = ticker.nanos();
    t.waitingSince = since;
    t.deadline = scheduler.schedule(
        () -> headerDeadline(t, since), limits.headerTimeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  @GuardedBy("lock")
  private void cancelDeadline(Tracked t) {
    Scheduler.Task task = t.deadline;
    if (task != null) {
      task.cancel();
      t.deadline = null;
    }
  }

  private void headerDeadline(Tracked t, long since) {
    lock.lock();
    try {
      if (open.get(t.connection) != t || t.busy || t.waitingSince != since) {
        return; // a request came, or the connection is gone
      }
      forget(t);
    } finally {
      lock.unlock();
    }
    log.debug(
        "{}: closing a connection from {} that sent no whole request within {}",
        name,
        Objects.toString(t.address),
        limits.headerTimeout());
    t.connection.getEndPoint().close(new IOException("no request within the header timeout"));
  }
}
