package dev.switchboard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder in front of a fake platform server, to take the platform away the
 * ways a network does: {@link Mode#REFUSE} stops listening (connection refused, as while the
 * network is not up after a reboot), {@link Mode#HANG} accepts connections and never answers
 * (a proxy or a server that hangs), {@link Mode#OPEN} forwards every byte both ways. A change
 * of mode, and {@link #cut}, close every connection that is open, as a network outage does.
 * The port stays the same throughout, so the gateway's configuration does not change.
 *
 * <p>Written by hand: this is a few dozen lines of socket code, and no test library offers
 * a TCP proxy whose listener can be taken down and brought back on the same port.
 */
public final class TcpGate implements AutoCloseable {
  /** What the gate does with connections. */
  public enum Mode {
    OPEN,
    REFUSE,
    HANG
  }

  private final int target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile Mode mode;
  private volatile ServerSocket listener;
  private volatile boolean closed;

  private TcpGate(int target, Mode initial) throws IOException {
    this.target = target;
    this.mode = initial;
    ServerSocket first = bind(0);
    this.port = first.getLocalPort();
    if (initial == Mode.REFUSE) {
      first.close();
    } else {
      listen(first);
    }
  }

  /** A gate on a free loopback port in front of {@code targetPort}. */
  public static TcpGate to(int targetPort, Mode initial) throws IOException {
    return new TcpGate(targetPort, initial);
  }

  public int port() {
    return port;
  }

  /** {@code url} with the target's port replaced by the gate's: where the gateway should go. */
  public String via(String url) {
    return url.replace(":" + target, ":" + port);
  }

  public Mode mode() {
    return mode;
  }

  /** Switches to {@code next}; every open connection is closed. */
  public synchronized void mode(Mode next) throws IOException {
    Mode was = mode;
    mode = next;
    cut();
    if (next == Mode.REFUSE && was != Mode.REFUSE) {
      listener.close();
    } else if (next != Mode.REFUSE && was == Mode.REFUSE) {
      listen(bind(port));
    }
  }

  /** Closes every open connection, as a network that drops out does; the mode stays. */
  public synchronized void cut() {
    for (Socket s : List.copyOf(open)) {
      closeQuietly(s);
    }
    open.clear();
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    if (listener != null) {
      listener.close();
    }
    cut();
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true); // the same port again at once, whatever TIME_WAIT holds
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  private void listen(ServerSocket socket) {
    listener = socket;
    Thread.ofVirtual().name("tcp-gate " + port).start(() -> accept(socket));
  }

  private void accept(ServerSocket socket) {
    while (!closed && !socket.isClosed()) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        return; // the listener was closed: REFUSE, or the end
      }
      // Registered and the mode read under the lock mode() cuts with: a connection accepted as
      // the mode changes is either cut with the others or sees the new mode, never neither.
      Mode now;
      synchronized (this) {
        now = mode;
        if (now == Mode.REFUSE) {
          closeQuietly(client); // accepted just before the listener closed
          continue;
        }
        open.add(client);
      }
      if (now == Mode.OPEN) {
        forward(client);
      } // HANG: held open, never answered, until the mode changes or the gate is cut
    }
  }

  private void forward(Socket client) {
    Socket server;
    try {
      server = new Socket(InetAddress.getLoopbackAddress(), target);
    } catch (IOException e) {
      closeQuietly(client);
      return;
    }
    synchronized (this) {
      if (mode != Mode.OPEN || !open.contains(client)) {
        closeQuietly(server); // the mode changed, and the client was cut, while connecting
        closeQuietly(client);
        return;
      }
      open.add(server);
    }
    Thread.ofVirtual().start(() -> pump(client, server));
    Thread.ofVirtual().start(() -> pump(server, client));
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away: the other follows below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
