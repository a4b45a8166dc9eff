package dev.switchboard.testing.loopback;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.Sender;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Speaks JSON lines to {@link LoopbackServer}: it receives {@code message} events, answers each
 * with an {@code ack} once the gateway has taken it, and sends {@code send} / {@code edit}.
 */
final class LoopbackAdapter implements PlatformAdapter {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final int port;
  private final boolean nonDaemonThread;
  private final boolean hangOnDisconnect;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicInteger refs = new AtomicInteger();
  private volatile Socket socket;
  private volatile OutputStream out;

  LoopbackAdapter(int port, boolean nonDaemonThread, boolean hangOnDisconnect) {
    this.port = port;
    this.nonDaemonThread = nonDaemonThread;
    this.hangOnDisconnect = hangOnDisconnect;
  }

  @Override
  public String name() {
    return "loopback";
  }

  @Override
  public PlatformLimits limits() {
    return new PlatformLimits(4096, true, Duration.ofMillis(300));
  }

  @Override
  public void connect(InboundHandler inbound, PlatformContext context) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(500);
    socket = s;
    out = s.getOutputStream();
    write(Map.of("type", "hello", "pid", ProcessHandle.current().pid()));
    Heartbeat heartbeat = context.heartbeat("receive", Duration.ofSeconds(10));
    BufferedReader in =
        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    context.spawn("receive", () -> receive(in, inbound, heartbeat));
    if (nonDaemonThread) {
      Thread t = new Thread(
          () -> {
            CountDownLatch never = new CountDownLatch(1);
            while (true) {
              try {
                never.await();
              } catch (InterruptedException ignored) {
                // a careless library thread that will not stop
              }
            }
          },
          "careless-library-thread");
      t.setDaemon(false);
      t.start();
    }
  }

  private void receive(BufferedReader in, InboundHandler inbound, Heartbeat heartbeat) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        String line;
        try {
          line = in.readLine();
        } catch (SocketTimeoutException e) {
          heartbeat.beat();
          continue;
        }
        heartbeat.beat();
        if (line == null) {
          return;
        }
        JsonNode n = JSON.readTree(line);
        if ("wedge".equals(n.path("type").asString())) {
          wedgeForever();
        }
        if (!"message".equals(n.path("type").asString())) {
          continue;
        }
        String chat = n.path("chat").asString();
        InboundMessage m = new InboundMessage(
            ChatRef.of("loopback", chat),
            n.path("id").asString(),
            new Sender(n.path("user").asString(chat), null),
            n.path("text").asString(),
            false,
            Instant.now());
        inbound.accept(m);
        write(Map.of("type", "ack", "id", m.messageId()));
      }
    } catch (IOException | InterruptedException e) {
      // the connection closed or the gateway is stopping
    } finally {
      heartbeat.retire();
    }
  }

  /** A stuck loop: no progress, and deaf to the interrupt that would end it. */
  private static void wedgeForever() {
    CountDownLatch never = new CountDownLatch(1);
    while (true) {
      try {
        never.await();
      } catch (InterruptedException ignored) {
        // stuck means stuck
      }
    }
  }

  @Override
  public void disconnect() throws IOException {
    if (hangOnDisconnect) {
      CountDownLatch never = new CountDownLatch(1);
      while (true) {
        try {
          never.await();
        } catch (InterruptedException ignored) {
          // refuses to stop
        }
      }
    }
    try {
      write(Map.of("type", "bye"));
    } catch (IOException ignored) {
      // already gone
    }
    Socket s = socket;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public MessageRef send(ChatRef chat, String text) throws PlatformException {
    String ref = ProcessHandle.current().pid() + "-" + refs.incrementAndGet();
    try {
      write(Map.of("type", "send", "chat", chat.chatId(), "ref", ref, "text", text));
    } catch (IOException e) {
      throw new PlatformException("loopback send failed: " + e.getMessage(), false, e);
    }
    return new MessageRef(chat, ref);
  }

  @Override
  public void edit(MessageRef message, String text) throws PlatformException {
    try {
      write(Map.of(
          "type",
          "edit",
          "chat",
          message.chat().chatId(),
          "ref",
          message.messageId(),
          "text",
          text));
    } catch (IOException e) {
      throw new PlatformException("loopback edit failed: " + e.getMessage(), false, e);
    }
  }

  private void write(Map<String, Object> event) throws IOException {
    byte[] line = (JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
    writeLock.lock();
    try {
      OutputStream o = out;
      if (o == null) {
        throw new IOException("not connected");
      }
      o.write(line);
      o.flush();
    } finally {
      writeLock.unlock();
    }
  }
}
