package dev.switchboard.bench;

import dev.switchboard.platform.telegram.fake.BotMessage;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The two load shapes. Users write in private chats (chat id = user id); a reply is the bot
 * message whose text equals what the user wrote (the echo backend repeats it). A latency is
 * the fake's timestamp of that reply minus the time the message was injected.
 */
final class Load {
  static final long FIRST_USER = 10_000;
  /** User ids of one slot's successive users are this far apart. */
  private static final long SLOT_STRIDE = 100_000;
  private static final long OPEN_FIRST_GENERATION = 5_000;
  private static final String FILLER = " the quick brown fox jumps over the lazy dog";

  private final FakeTelegramServer fake;
  private final BotProcess bot;
  private final Duration replyTimeout;
  private final Profiler profiler;
  private final int messagesPerUser;
  private final int threadDumps;
  private List<java.nio.file.Path> dumpFiles = List.of();

  /**
   * @param messagesPerUser after this many messages a chat slot continues with a new user (0:
   *     never). The fake's awaitMessage copies every bot message of the chat on each wake-up,
   *     and wakes every waiter on every change, so long chats make the harness, not the bot,
   *     the bottleneck; the gateway's work per message does not depend on the chat's age.
   */
  Load(FakeTelegramServer fake, BotProcess bot, Duration replyTimeout, Profiler profiler,
      int messagesPerUser, int threadDumps) {
    this.threadDumps = threadDumps;
    this.fake = fake;
    this.bot = bot;
    this.replyTimeout = replyTimeout;
    this.profiler = profiler;
    this.messagesPerUser = messagesPerUser;
  }

  /** Thread dumps taken in the closed loop's window (in the bot's home directory). */
  List<java.nio.file.Path> dumpFiles() {
    return dumpFiles;
  }

  static long user(int slot) {
    return FIRST_USER + slot;
  }

  static void registerUsers(FakeTelegramServer fake, int count) {
    for (int i = 0; i < count; i++) {
      register(fake, user(i));
    }
  }

  private static void register(FakeTelegramServer fake, long uid) {
    fake.registerUser(uid, "Bench", "User " + uid, "bench_user_" + uid);
  }

  /**
   * The user of {@code slot} for its {@code seq}-th message in a phase; registered on first use.
   * The open loop's later users do not overlap the closed loop's ({@code firstGeneration}).
   */
  private long userFor(int slot, long seq, long firstGeneration) {
    if (messagesPerUser <= 0) {
      return user(slot);
    }
    long generation = seq / messagesPerUser;
    if (generation > 0) {
      generation += firstGeneration;
    }
    long uid = user(slot) + generation * SLOT_STRIDE;
    if (generation > 0 && seq % messagesPerUser == 0) {
      register(fake, uid);
    }
    return uid;
  }

  /** Unique per phase, slot and message: a reply is recognised by its text. */
  private static String text(String phase, int slot, long seq) {
    return "hello " + phase + " " + slot + " " + seq + FILLER;
  }

  /** Resource readings at one moment. */
  record Snapshot(long childTicks, long selfTicks, long machineBusy, long machineTotal,
      Map<Long, Proc.ThreadTicks> childThreads, long selfGcMillis) {
    static Snapshot take(long childPid) {
      long[] m = Proc.machineTicks();
      long gc = ManagementFactory.getGarbageCollectorMXBeans().stream()
          .mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
      return new Snapshot(Proc.cpuTicks(childPid), Proc.cpuTicks(ProcessHandle.current().pid()),
          m[0], m[1], Proc.threadTicks(childPid), gc);
    }
  }

  /** What one phase measured. */
  record Result(String phase, int chats, double windowSeconds, long replies,
      Histogram latency, Snapshot before, Snapshot after, long vmHwmKb, long vmRssKb,
      Histogram pacingLag, long sent, int rate) {
    double repliesPerSecond() {
      return replies / windowSeconds;
    }

    /**
     * The bot's CPU seconds in the window by kind of thread; threads that ended inside the
     * window are missing (the rest is "threads that ended").
     */
    Map<String, Double> childCpuByThreadGroup() {
      Map<String, Double> groups = new LinkedHashMap<>();
      Proc.threadGroupSeconds(before.childThreads(), after.childThreads()).entrySet().stream()
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .forEach(e -> groups.put(e.getKey(), e.getValue()));
      double attributed = groups.values().stream().mapToDouble(Double::doubleValue).sum();
      groups.put("threads that ended in the window", Math.max(0, childCpuSeconds() - attributed));
      return groups;
    }

    double childCpuSeconds() {
      return Proc.cpuSeconds(after.childTicks() - before.childTicks());
    }

    /** Time the harness JVM (with the fake in it) spent collecting garbage in the window. */
    long harnessGcMillis() {
      return after.selfGcMillis() - before.selfGcMillis();
    }

    double harnessCpuSeconds() {
      return Proc.cpuSeconds(after.selfTicks() - before.selfTicks());
    }

    double childCpuPer1000() {
      return replies == 0 ? Double.NaN : childCpuSeconds() / replies * 1000;
    }

    double harnessCpuPer1000() {
      return replies == 0 ? Double.NaN : harnessCpuSeconds() / replies * 1000;
    }

    /** Cores busy with anything else on the machine (other processes, the kernel's own work). */
    double otherCores() {
      double busyCores = Proc.cpuSeconds((after.machineBusy() - before.machineBusy()))
          / windowSeconds;
      return busyCores - (childCpuSeconds() + harnessCpuSeconds()) / windowSeconds;
    }

    /** Share of the whole machine (all CPUs) that was busy in the window, 0..1. */
    double machineBusy() {
      long total = after.machineTotal() - before.machineTotal();
      return total == 0 ? Double.NaN : (after.machineBusy() - before.machineBusy())
          / (double) total;
    }
  }

  /**
   * Closed loop: each of {@code chats} users sends a message, waits for its reply, sends the
   * next. Replies that reach the fake inside the measured window count.
   */
  Result closedLoop(int chats, Duration warmup, Duration measure) throws Exception {
    ConcurrentHistogram latency = Latency.histogram();
    LongAdder counted = new LongAdder();
    long start = Latency.epochNanos();
    long windowStart = start + warmup.toNanos();
    long windowEnd = windowStart + measure.toNanos();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> users = new ArrayList<>();
    for (int i = 0; i < chats; i++) {
      int slot = i;
      users.add(Thread.ofVirtual().name("closed-" + slot).start(() -> {
        long seq = 0;
        try {
          while (!stop.get()) {
            long uid = userFor(slot, seq, 0);
            String text = text("closed", slot, seq++);
            long t0 = Latency.epochNanos();
            fake.privateMessage(uid, text);
            BotMessage reply = fake.awaitMessage(uid, m -> m.text().equals(text), replyTimeout);
            long at = Latency.epochNanos(reply.sentAt());
            if (at >= windowStart && at < windowEnd) {
              Latency.record(latency, at - t0);
              counted.increment();
            }
            if (at >= windowEnd) {
              return;
            }
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
          stop.set(true);
        }
      }));
    }
    Latency.parkUntilEpoch(windowStart);
    checkAlive(failure);
    profiler.windowStarts("closed", bot);
    Snapshot before = Snapshot.take(bot.pid());
    if (threadDumps > 0) {
      dumpFiles = ThreadDumps.take(bot.pid(), threadDumps, windowEnd - Latency.epochNanos(),
          bot.home());
    }
    Latency.parkUntilEpoch(windowEnd);
    Snapshot after = Snapshot.take(bot.pid());
    profiler.windowEnds("closed", bot);
    stop.set(true);
    join(users, failure);
    return new Result("closed", chats, measure.toNanos() / 1e9, counted.sum(), latency, before,
        after, Proc.statusKb(bot.pid(), "VmHWM"), Proc.statusKb(bot.pid(), "VmRSS"), null,
        counted.sum(), 0);
  }

  private record Expect(long uid, String text, long t0, boolean counted) {}

  private static final Expect END = new Expect(0, "", 0, false);

  /**
   * Open loop: messages at a fixed rate, round-robin over {@code chats} users, whatever the
   * replies do (a user may have several messages waiting; the gateway queues them). Messages
   * sent inside the measured window count.
   */
  Result openLoop(int rate, int chats, Duration warmup, Duration measure, int index)
      throws Exception {
    String phase = "open-" + rate;
    long firstGeneration = OPEN_FIRST_GENERATION * (index + 1);
    ConcurrentHistogram latency = Latency.histogram();
    Histogram lag = new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
    LongAdder counted = new LongAdder();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<BlockingQueue<Expect>> queues = new ArrayList<>();
    List<Thread> waiters = new ArrayList<>();
    for (int i = 0; i < chats; i++) {
      BlockingQueue<Expect> q = new LinkedBlockingQueue<>();
      queues.add(q);
      waiters.add(Thread.ofVirtual().name("open-" + i).start(() -> {
        try {
          while (true) {
            Expect e = q.take();
            if (e == END) {
              return;
            }
            BotMessage reply = fake.awaitMessage(e.uid(), m -> m.text().equals(e.text()),
                replyTimeout);
            if (e.counted()) {
              Latency.record(latency, Latency.epochNanos(reply.sentAt()) - e.t0());
              counted.increment();
            }
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }));
    }
    long period = 1_000_000_000L / rate;
    long total = (warmup.toNanos() + measure.toNanos()) / period;
    long warmupMessages = warmup.toNanos() / period;
    long measured = total - warmupMessages;
    long startNanos = System.nanoTime();
    Snapshot before = null;
    for (long k = 0; k < total; k++) {
      long target = startNanos + k * period;
      Latency.parkUntil(target);
      if (k == warmupMessages) {
        checkAlive(failure);
        profiler.windowStarts(phase, bot);
        before = Snapshot.take(bot.pid());
      }
      Latency.record(lag, System.nanoTime() - target);
      int slot = (int) (k % chats);
      long seq = k / chats;
      long uid = userFor(slot, seq, firstGeneration);
      String text = text(phase, slot, seq);
      long t0 = Latency.epochNanos();
      queues.get(slot).add(new Expect(uid, text, t0, k >= warmupMessages));
      fake.privateMessage(uid, text);
      if (failure.get() != null) {
        break;
      }
    }
    Latency.parkUntil(startNanos + total * period);
    Snapshot after = Snapshot.take(bot.pid());
    profiler.windowEnds(phase, bot);
    queues.forEach(q -> q.add(END));
    join(waiters, failure);
    return new Result(phase, chats, measure.toNanos() / 1e9, counted.sum(), latency, before,
        after, Proc.statusKb(bot.pid(), "VmHWM"), Proc.statusKb(bot.pid(), "VmRSS"), lag,
        measured, rate);
  }

  private void checkAlive(AtomicReference<Throwable> failure) {
    if (failure.get() != null) {
      throw new IllegalStateException("the load failed: " + failure.get() + "\n" + bot.kind()
          + " output:\n" + bot.tail(30), failure.get());
    }
    if (!bot.alive()) {
      throw new IllegalStateException(bot.kind() + " died; its output:\n" + bot.tail(30));
    }
  }

  private void join(List<Thread> threads, AtomicReference<Throwable> failure)
      throws InterruptedException {
    long deadline = System.nanoTime() + replyTimeout.toNanos() + TimeUnit.SECONDS.toNanos(5);
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !t.join(Duration.ofNanos(left))) {
        throw new IllegalStateException("a load thread did not finish: " + t.getName()
            + "\n" + bot.kind() + " output:\n" + bot.tail(30));
      }
    }
    checkAlive(failure);
  }
}
