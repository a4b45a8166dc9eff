package dev.switchboard.testing;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformLimits;
import dev.switchboard.platform.Sender;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A platform that lives in the test: the test plays the users ({@link #deliver}) and reads
 * what the gateway sent ({@link #sent()}). Its disconnect can be made to fail or hang.
 */
public class InMemoryAdapter implements PlatformAdapter {
  /** A message the gateway sent or edited. */
  public record Sent(ChatRef chat, String messageId, String text, boolean edit) {}

  /** A file the gateway sent, with its bytes as they were when it was sent. */
  public record SentFile(ChatRef chat, String messageId, OutboundFile file, byte[] bytes) {}

  /** What disconnect does. */
  public enum DisconnectBehaviour {
    NORMAL,
    THROW,
    HANG_IGNORING_INTERRUPTS
  }

  private final String name;
  private final PlatformLimits limits;
  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  /** Shared by all instances: a "restarted" adapter must not reuse a chat's message ids. */
  private static final AtomicInteger messageIds = new AtomicInteger(1000);

  private volatile InboundHandler inbound;
  private volatile DisconnectBehaviour disconnect = DisconnectBehaviour.NORMAL;
  private volatile boolean connected;
  private final CountDownLatch neverReleased = new CountDownLatch(1);
  private final AtomicInteger disconnectCalls = new AtomicInteger();
  private volatile boolean hungInDisconnect;

  private volatile PlatformContext context;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final AtomicInteger downloads = new AtomicInteger();
  private final List<SentFile> sentFiles = new CopyOnWriteArrayList<>();

  /** What a real adapter reports when its service misbehaves (a 409, failing polls). */
  public void reportState(dev.switchboard.platform.PlatformState state, String error) {
    context.reportState(state, error);
  }

  public InMemoryAdapter(String name) {
    this(name, new PlatformLimits(4096, true, Duration.ofMillis(0)));
  }

  public InMemoryAdapter(String name, PlatformLimits limits) {
    this.name = name;
    this.limits = limits;
  }

  public void disconnectBehaviour(DisconnectBehaviour b) {
    this.disconnect = b;
  }

  /** Lets a hanging disconnect return, so tests do not leave threads behind. */
  public void releaseHang() {
    neverReleased.countDown();
  }

  /** Whether a disconnect met the hanging behaviour (and hung). */
  public boolean hungInDisconnect() {
    return hungInDisconnect;
  }

  public int disconnectCalls() {
    return disconnectCalls.get();
  }

  public boolean connected() {
    return connected;
  }

  /** A user message in a private chat; {@code chatId} doubles as the user id. */
  public InboundMessage message(String chatId, String text) {
    return new InboundMessage(
        ChatRef.of(name, chatId),
        "m" + messageIds.incrementAndGet(),
        new Sender(chatId, "user " + chatId),
        text,
        false,
        Instant.now());
  }

  /** Hands a message to the gateway as a platform would. */
  public void deliver(InboundMessage message) throws InterruptedException {
    InboundHandler h = inbound;
    if (h == null) {
      throw new IllegalStateException(name + " is not connected");
    }
    h.accept(message);
  }

  public InboundMessage deliver(String chatId, String text) throws InterruptedException {
    InboundMessage m = message(chatId, text);
    deliver(m);
    return m;
  }

  public List<Sent> sent() {
    return List.copyOf(sent);
  }

  /** The latest text of each message sent to {@code chatId}, in order of sending. */
  public List<String> texts(String chatId) {
    List<String> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (Sent s : sent) {
      if (!s.chat().chatId().equals(chatId)) {
        continue;
      }
      int at = ids.indexOf(s.messageId());
      if (at < 0) {
        ids.add(s.messageId());
        texts.add(s.text());
      } else {
        texts.set(at, s.text());
      }
    }
    return texts;
  }

  /** Everything sent to {@code chatId}, final texts joined by newlines, for contains-checks. */
  public String transcript(String chatId) {
    return String.join("\n", texts(chatId));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public PlatformLimits limits() {
    return limits;
  }

  @Override
  public void connect(InboundHandler inbound, PlatformContext context) {
    this.context = context;
    this.inbound = inbound;
    this.connected = true;
  }

  @Override
  public void disconnect() throws Exception {
    disconnectCalls.incrementAndGet();
    switch (disconnect) {
      case NORMAL -> connected = false;
      case THROW -> throw new IllegalStateException("simulated disconnect failure");
      case HANG_IGNORING_INTERRUPTS -> {
        hungInDisconnect = true;
        while (true) {
          try {
            neverReleased.await();
            return;
          } catch (InterruptedException ignored) {
            // refuses to stop, like a library stuck in a native call
          }
        }
      }
    }
  }

  /** Makes {@code bytes} downloadable as the attachment whose ref is {@code ref}. */
  public void offerFile(String ref, byte[] bytes) {
    files.put(ref, bytes);
  }

  /** How many attachment downloads the gateway made. */
  public int downloads() {
    return downloads.get();
  }

  @Override
  public InputStream download(Attachment attachment) throws PlatformException {
    downloads.incrementAndGet();
    byte[] bytes = files.get(attachment.ref());
    if (bytes == null) {
      throw new PlatformException("the file is gone from " + name, true);
    }
    return new ByteArrayInputStream(bytes);
  }

  /** Telegram's: 20 MB down, 50 MB up, 1,024-character captions. */
  @Override
  public FileLimits fileLimits() {
    return FileLimits.megabytes(20, 50, 1024);
  }

  /** The files the gateway sent, in order. */
  public List<SentFile> sentFiles() {
    return List.copyOf(sentFiles);
  }

  @Override
  public MessageRef sendFile(ChatRef chat, OutboundFile file) throws PlatformException {
    if (!connected) {
      throw new PlatformException(name + " is disconnected", false);
    }
    String id = "f" + ids.incrementAndGet();
    try {
      sentFiles.add(new SentFile(chat, id, file, Files.readAllBytes(file.path())));
    } catch (IOException e) {
      throw new PlatformException("cannot read " + file.path() + ": " + e, true);
    }
    return new MessageRef(chat, id);
  }

  @Override
  public MessageRef send(ChatRef chat, String text) throws PlatformException {
    if (!connected) {
      throw new PlatformException(name + " is disconnected", false);
    }
    String id = "s" + ids.incrementAndGet();
    sent.add(new Sent(chat, id, text, false));
    return new MessageRef(chat, id);
  }

  @Override
  public void edit(MessageRef message, String text) throws PlatformException {
    if (!connected) {
      throw new PlatformException(name + " is disconnected", false);
    }
    sent.add(new Sent(message.chat(), message.messageId(), text, true));
  }
}
