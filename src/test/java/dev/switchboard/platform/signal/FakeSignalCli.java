package dev.switchboard.platform.signal;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for {@code signal-cli daemon --http HOST:PORT}, run by the scripts {@link
 * SignalCliProcessTest} writes: it answers {@code GET /api/v1/check} with 200 as signal-cli's
 * HTTP server does, and runs until it is killed. Its environment steers it: FAKE_PID_FILE gets
 * its pid appended, FAKE_READY_DELAY_MS delays the server, FAKE_IGNORE_TERM=1 makes SIGTERM
 * hang in a shutdown hook so that only SIGKILL ends it.
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
