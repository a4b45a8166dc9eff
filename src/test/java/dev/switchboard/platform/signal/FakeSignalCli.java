package dev.switchboard.platform.signal;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for {@code signal-cli daemon --http HOST:PORT}, run by the scripts {@link
 * SignalCliProcessTest} writes: it answers {@code GET /api/v1/check} with 200 as signal-cli's
 * HTTP server does, and runs until it is killed. Its environment steers it: FAKE_PID_FILE gets
 * its pid appended, FAKE_READY_DELAY_MS delays the server, FAKE_IGNORE_TERM=1 makes SIGTERM
 * hang in a shutdown hook so that only SIGKILL ends it, and FAKE_FORWARD_TO=PORT makes it a
 * forwarder to a fake daemon the test runs on that port instead of answering itself.
 */
final class FakeSignalCli {
  private FakeSignalCli() {}

  public static void main(String[] args) throws Exception {
    String listen = null;
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--http")) {
        listen = args[i + 1];
      }
    }
    if (listen == null) {
      System.err.println("ERROR no --http HOST:PORT");
      System.exit(1);
      return;
    }
    String pidFile = System.getenv("FAKE_PID_FILE");
    if (pidFile != null) {
      Files.writeString(
          Path.of(pidFile),
          ProcessHandle.current().pid() + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
    if ("1".equals(System.getenv("FAKE_IGNORE_TERM"))) {
      Runtime.getRuntime().addShutdownHook(new Thread(FakeSignalCli::hangForever));
    }
    System.err.println("INFO  FakeSignalCli - starting");
    String delay = System.getenv("FAKE_READY_DELAY_MS");
    if (delay != null) {
      Thread.sleep(Long.parseLong(delay)); // as signal-cli loads its account before listening
    }
    int colon = listen.lastIndexOf(':');
    String forwardTo = System.getenv("FAKE_FORWARD_TO");
    if (forwardTo != null) {
      forward(
          new InetSocketAddress(
              listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))),
          Integer.parseInt(forwardTo));
      return;
    }
    HttpServer server = HttpServer.create(
        new InetSocketAddress(
            listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))),
        0);
    server.createContext("/api/v1/check", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    System.err.println("WARN  HttpServerHandler - HTTP server has no authentication");
    hangForever();
  }

  /**
   * Passes every connection to the fake daemon on loopback port {@code target}, which the
   * process-level test runs and drives: what the daemon holds outlives this process, as
   * signal-cli's account data and Signal's servers outlive a signal-cli that dies.
   */
  private static void forward(InetSocketAddress listen, int target) throws IOException {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(listen);
      System.err.println("WARN  HttpServerHandler - HTTP server has no authentication");
      while (true) {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        Thread.ofVirtual().start(() -> pump(client, upstream));
        Thread.ofVirtual().start(() -> pump(upstream, client));
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // the other side closed: close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  private static void hangForever() {
    CountDownLatch never = new CountDownLatch(1);
    while (true) {
      try {
        never.await();
      } catch (InterruptedException e) {
        // keep hanging: only SIGKILL ends this
      }
    }
  }
}
