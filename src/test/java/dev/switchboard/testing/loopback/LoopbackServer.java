package dev.switchboard.testing.loopback;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chat platform in process-level tests: accepts gateway connections (one at a time; a
 * restarted gateway connects again), lets the test send user messages, and records what the
 * gateway sent, with edits applied, per chat.
 */
public final class LoopbackServer implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final ServerSocket server;
  private final Thread acceptor;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // guarded by lock:
  private OutputStream current;
  private long currentPid;
  private int connections;
  private int open;
  private int mostOpen;
  private final List<String> acks = new ArrayList<>();
  private final Map<String, String> textByRef = new LinkedHashMap<>();
  private final Map<String, String> chatByRef = new LinkedHashMap<>();
  private int nextId = 1;

  public LoopbackServer() throws IOException {
    server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    acceptor = Thread.ofPlatform().daemon().name("loopback-accept").start(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread.ofPlatform().daemon().name("loopback-conn").start(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    boolean greeted = false;
    try (s;
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        JsonNode n = JSON.readTree(line);
        lock.lock();
        try {
          switch (n.path("type").asString()) {
            case "hello" -> {
              current = s.getOutputStream();
              currentPid = n.path("pid").asLong();
              connections++;
              greeted = true;
              mostOpen = Math.max(mostOpen, ++open);
            }
            case "ack" -> acks.add(n.path("id").asString());
            case "send" -> {
              textByRef.put(n.path("ref").asString(), n.path("text").asString());
              chatByRef.put(n.path("ref").asString(), n.path("chat").asString());
            }
            case "edit" ->
              textByRef.put(n.path("ref").asString(), n.path("text").asString());
            default -> {}
          }
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    } catch (IOException e) {
      // connection ended
    } finally {
      if (greeted) {
        lock.lock();
        try {
          open--;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /** Sends a user message to the connected gateway; returns its id. */
  public String send(String chat, String text) throws IOException {
    String id;
    lock.lock();
    try {
      id = "m" + nextId++;
    } finally {
      lock.unlock();
    }
    sendWithId(chat, id, text);
    return id;
  }

  /** Sends a message with a given id: the same id again is a redelivery. */
  public void sendWithId(String chat, String id, String text) throws IOException {
    byte[] line = (JSON.writeValueAsString(
                Map.of("type", "message", "chat", chat, "id", id, "user", chat, "text", text))
            + "\n")
        .getBytes(StandardCharsets.UTF_8);
    lock.lock();
    try {
      if (current == null) {
        throw new IOException("no gateway connected");
      }
      current.write(line);
      current.flush();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Wedges the connected gateway's receive loop: it stops reading and stops reporting progress,
   * as a deaf adapter would, so the gateway must withhold its watchdog pings.
   */
  public void wedge() throws IOException {
    byte[] line =
        (JSON.writeValueAsString(Map.of("type", "wedge")) + "\n").getBytes(StandardCharsets.UTF_8);
    lock.lock();
    try {
      if (current == null) {
        throw new IOException("no gateway connected");
      }
      current.write(line);
      current.flush();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until a gateway process other than {@code notPid} has connected; returns its pid. */
  public long awaitConnection(long notPid, Duration timeout) throws InterruptedException {
    return await(
        timeout,
        () -> current != null && currentPid != notPid ? currentPid : null,
        "a gateway connection");
  }

  /** Waits until the gateway acknowledged message {@code id}. */
  public void awaitAck(String id, Duration timeout) throws InterruptedException {
    await(timeout, () -> acks.contains(id) ? Boolean.TRUE : null, "ack of " + id);
  }

  /** Waits until some message in {@code chat} contains {@code text}; returns that message. */
  public String awaitText(String chat, String text, Duration timeout) throws InterruptedException {
    return await(
        timeout,
        () -> texts(chat).stream().filter(t -> t.contains(text)).findFirst().orElse(null),
        "'" + text + "' in chat " + chat + " (have " + texts(chat) + ")");
  }

  /** Current text of every message sent to {@code chat}, in order of sending. */
  public List<String> texts(String chat) {
    lock.lock();
    try {
      List<String> out = new ArrayList<>();
      chatByRef.forEach((ref, c) -> {
        if (c.equals(chat)) {
          out.add(textByRef.get(ref));
        }
      });
      return out;
    } finally {
      lock.unlock();
    }
  }

  public int connections() {
    lock.lock();
    try {
      return connections;
    } finally {
      lock.unlock();
    }
  }

  /** The most gateway connections that were ever open at the same time. */
  public int mostSimultaneousConnections() {
    lock.lock();
    try {
      return mostOpen;
    } finally {
      lock.unlock();
    }
  }

  private <T> T await(Duration timeout, java.util.function.Supplier<T> check, String what)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        T v = check.get();
        if (v != null) {
          return v;
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("timed out waiting for " + what);
        }
        changed.await(left, TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    acceptor.interrupt();
  }
}
