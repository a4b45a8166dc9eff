package dev.switchboard.reliability;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The soak's account of its questions: each is owed until the chat shows every line of its
 * answer in a message that is no longer a preview, then it is answered (late when it took
 * longer than {@code lateAfter}). It reads the chats as the bot writes them (every send and
 * edit), so it needs no waiting thread per chat, and it keeps only what is still owed: a soak
 * of hours asks hundreds of thousands of questions.
 */
final class SoakLedger {
  private static final String TYPING_MARK = "\u2026";

  /** A question still owed: which lines of its answer the chat has shown whole so far. */
  private static final class Owed {
    final String id;
    final long sentAtNanos;
    final int lines;
    final BitSet shown = new BitSet();
    volatile int messageId = -1;

    Owed(String id, long sentAtNanos) {
      this.id = id;
      this.sentAtNanos = sentAtNanos;
      this.lines = Answers.lineCount(id);
    }
  }

  private final long lateAfterNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition settled = lock.newCondition();
  // guarded by lock:
  private final Map<Long, ArrayDeque<Owed>> owed = new HashMap<>();
  private final Map<Long, Integer> lastAsked = new HashMap<>();
  private final List<Double> answerSeconds = new ArrayList<>();
  private long sent;
  private long answered;
  private long answeredInTime;
  private long late;
  private long strayLines;
  private long garbledLines;
  private int owedCount;

  SoakLedger(Duration lateAfter) {
    this.lateAfterNanos = lateAfter.toNanos();
  }

  /**
   * A question about to be sent; registered before it is, so that no answer can come first.
   * Returns a handle to give its message id to once the fake has one.
   */
  Object asking(long chat, String id, long sentAtNanos) {
    Owed o = new Owed(id, sentAtNanos);
    lock.lock();
    try {
      owed.computeIfAbsent(chat, c -> new ArrayDeque<>()).addLast(o);
      owedCount++;
      sent++;
    } finally {
      lock.unlock();
    }
    return o;
  }

  void sentAs(long chat, Object question, int messageId) {
    ((Owed) question).messageId = messageId;
    lock.lock();
    try {
      lastAsked.put(chat, messageId);
    } finally {
      lock.unlock();
    }
  }

  /** A bot message sent or edited in {@code chat} (the fake's listener: quick, no waiting). */
  void botMessage(long chat, String text, long nowNanos) {
    if (text.endsWith(TYPING_MARK)) {
      return; // a preview: its lines do not count until the final text
    }
    lock.lock();
    try {
      ArrayDeque<Owed> q = owed.get(chat);
      for (String line : text.split("\n")) {
        var ref = Answers.lineRef(line);
        if (ref.isEmpty()) {
          continue;
        }
        Owed o = find(q, ref.get().id());
        if (o == null) {
          strayLines++; // a line of an answer already complete: shown twice
        } else if (ref.get().index() > o.lines
            || !line.equals(Answers.line(o.id, ref.get().index()))) {
          garbledLines++;
        } else {
          o.shown.set(ref.get().index() - 1);
          if (o.shown.cardinality() == o.lines) {
            complete(q, o, nowNanos);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private static Owed find(ArrayDeque<Owed> q, String id) {
    if (q != null) {
      for (Owed o : q) {
        if (o.id.equals(id)) {
          return o;
        }
      }
    }
    return null;
  }

  private void complete(ArrayDeque<Owed> q, Owed o, long nowNanos) {
    q.remove(o);
    owedCount--;
    answered++;
    long took = nowNanos - o.sentAtNanos;
    if (took > lateAfterNanos) {
      late++;
    } else {
      answeredInTime++;
    }
    answerSeconds.add(took / 1e9);
    if (owedCount == 0) {
      settled.signalAll();
    }
  }

  /**
   * For each chat, the oldest message still needed: the oldest owed question's, or the last
   * question's when nothing is owed. What is older can be forgotten by the fake.
   */
  Map<Long, Integer> oldestNeeded() {
    lock.lock();
    try {
      Map<Long, Integer> m = new HashMap<>();
      lastAsked.forEach((chat, last) -> {
        int oldest = last;
        for (Owed o : owed.getOrDefault(chat, new ArrayDeque<>())) {
          if (o.messageId >= 0) {
            oldest = Math.min(oldest, o.messageId);
          }
        }
        m.put(chat, oldest);
      });
      return m;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until nothing is owed or {@code timeout} passed; whether nothing is owed. */
  boolean awaitSettled(Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      long left = timeout.toNanos();
      while (owedCount > 0) {
        if (left <= 0) {
          return false;
        }
        left = settled.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The counts so far; {@code nowNanos} decides which owed questions are overdue. */
  Counts counts(long nowNanos) {
    lock.lock();
    try {
      int overdue = 0;
      for (ArrayDeque<Owed> q : owed.values()) {
        for (Owed o : q) {
          if (nowNanos - o.sentAtNanos > lateAfterNanos) {
            overdue++;
          }
        }
      }
      return new Counts(
          sent, answered, answeredInTime, late, owedCount, overdue, strayLines, garbledLines);
    } finally {
      lock.unlock();
    }
  }

  /** The first few questions still owed, for the report. */
  List<String> owedIds(int max) {
    lock.lock();
    try {
      List<String> ids = new ArrayList<>();
      for (ArrayDeque<Owed> q : owed.values()) {
        for (Owed o : q) {
          if (ids.size() < max) {
            ids.add(o.id + " (message " + o.messageId + ", " + o.shown.cardinality() + "/" + o.lines
                + " lines shown)");
          }
        }
      }
      return ids;
    } finally {
      lock.unlock();
    }
  }

  Stats answerTimes() {
    lock.lock();
    try {
      return Stats.of(answerSeconds);
    } finally {
      lock.unlock();
    }
  }

  /**
   * @param sent questions sent
   * @param answered questions whose whole answer the chat shows
   * @param answeredInTime those answered within lateAfter
   * @param late those answered after it
   * @param owed questions not (yet) answered
   * @param overdue owed questions older than lateAfter
   * @param strayLines answer lines shown again after their answer was complete
   * @param garbledLines lines naming a question that are no line of its answer
   */
  record Counts(
      long sent,
      long answered,
      long answeredInTime,
      long late,
      long owed,
      long overdue,
      long strayLines,
      long garbledLines) {}
}
