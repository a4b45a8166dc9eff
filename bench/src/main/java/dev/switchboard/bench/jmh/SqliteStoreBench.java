package dev.switchboard.bench.jmh;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.store.Outbox;
import dev.switchboard.store.Store;
import dev.switchboard.store.sqlite.SqliteStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SQLite store's writes for one message, through the public {@link SqliteStore} on a
 * database in a temporary directory (WAL, synchronous=NORMAL, as the gateway opens it). One
 * operation is one message:
 *
 * <ul>
 *   <li>{@code journal}: record + markRunning + markDone (3 transactions);
 *   <li>{@code outbox}: a one-message reply, claimNewAsSending + markSent complete (2
 *       transactions);
 *   <li>{@code wholeMessage}: every store call the gateway makes for one echo turn answered
 *       in one message, in order (journal record, markRunning, the turn's start (session, last
 *       lines, settings), transcript line, the journal's copy of the reply, transcript line,
 *       outbox claimNewAsSending, markSent complete, markDone: 9 transactions);
 *   <li>{@code wholeMessageFourOutboxWrites}: the same turn as the gateway stored it before a
 *       one-message reply's outbox writes were merged (claim, markSending, markSent, markSent
 *       complete: 11 transactions), to compare with {@code wholeMessage} in one run.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m",
    "--enable-native-access=ALL-UNNAMED"})
public class SqliteStoreBench {
  private static final String TEXT = "hello 17 42 the quick brown fox jumps over the lazy dog";

  private Path dir;
  private Store store;
  private long seq;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("switchboard-jmh-");
    store = SqliteStore.open(dir.resolve("switchboard.db"), Clock.systemUTC());
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private InboundMessage nextMessage() {
    long n = ++seq;
    ChatRef chat = ChatRef.of("telegram", Long.toString(10_000 + n % 100));
    return new InboundMessage(chat, Long.toString(n), new Sender(chat.chatId(), "Bench User"),
        TEXT, false, Instant.now());
  }

  @Benchmark
  public int journal() {
    InboundJournal j = store.journal();
    InboundMessage m = nextMessage();
    j.record(m);
    int attempt = j.markRunning(m);
    j.markDone(m, "answered");
    return attempt;
  }

  @Benchmark
  public long outbox() {
    Outbox o = store.outbox();
    InboundMessage m = nextMessage();
    Outbox.Entry e = o.claimNewAsSending(m.dedupeKey() + ":reply:1:0", m.chat(), TEXT,
        m.dedupeKey()).orElseThrow();
    o.markSent(e.id(), Long.toString(seq), TEXT, true);
    return e.id();
  }

  @Benchmark
  public long wholeMessage() {
    InboundMessage m = turnUpToItsDelivery();
    Outbox o = store.outbox();
    Outbox.Entry e = o.claimNewAsSending(m.dedupeKey() + ":reply:1:0", m.chat(), TEXT,
        m.dedupeKey()).orElseThrow();
    o.markSent(e.id(), Long.toString(seq), TEXT, true);
    store.journal().markDone(m, "answered");
    return e.id();
  }

  /** A new message's turn, recorded up to the reply's delivery (6 transactions). */
  private InboundMessage turnUpToItsDelivery() {
    InboundJournal j = store.journal();
    InboundMessage m = nextMessage();
    String session = m.chat().toString();
    j.record(m);
    j.markRunning(m);
    int generation = store.conversations().turnStart(session, 1).generation();
    store.conversations().append(session, generation, "user", TEXT);
    j.recordReply(m, TEXT);
    store.conversations().append(session, generation, "assistant", TEXT);
    return m;
  }

  @Benchmark
  public long wholeMessageFourOutboxWrites() {
    InboundMessage m = turnUpToItsDelivery();
    Outbox o = store.outbox();
    String key = m.dedupeKey() + ":reply:1:0";
    Outbox.Entry e = o.claim(key, m.chat(), TEXT, m.dedupeKey());
    o.markSending(e.id(), TEXT);
    o.markSent(e.id(), Long.toString(seq), TEXT, false);
    o.markSent(e.id(), Long.toString(seq), TEXT, true);
    store.journal().markDone(m, "answered");
    return e.id();
  }
}
