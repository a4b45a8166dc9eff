package dev.switchboard.session;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.auth.Authorizer;
import dev.switchboard.auth.Pairing;
import dev.switchboard.common.Ticker;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.OutboxKeys;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.store.Outbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to an inbound message between the adapter and the dispatcher: it is authorized,
 * then journaled (so the adapter may acknowledge it to its platform once {@link #accept}
 * returns, and a redelivery is recognised and dropped), then handed to the dispatcher. Unknown
 * users get a pairing code in private chats and are ignored in groups; nothing of theirs
 * reaches the agent, and their words are not stored: the journal keeps only what recognises a
 * redelivery and the sender's id, which pairing needs.
 *
 * <p>At start, {@link #resume} hands the dispatcher what the previous process left unfinished,
 * before any new message: a message that was waiting is answered. For a turn that was running
 * when the process died: if the outbox shows its whole reply arrived, it is done; if the agent
 * had finished (the journal holds its answer), that answer is delivered again under the same
 * keys, so the user ends up with all of it and nothing twice unmarked; otherwise the agent is
 * asked again.
 */
public final class InboundPipeline implements InboundHandler {
  private static final Logger log = LoggerFactory.getLogger(InboundPipeline.class);
  /** An unknown user who keeps writing hears about pairing at most this often. */
  static final Duration PAIRING_REPLY_EVERY = Duration.ofMinutes(10);

  private static final int PAIRING_MEMORY = 1024;
  private static final String PAIRING = "pairing";
  private static final String IGNORED = "ignored";

  private final InboundJournal journal;
  private final Outbox outbox;
  private final Authorizer authorizer;
  private final Pairing pairing;
  private final Dispatcher dispatcher;
  private final Delivery delivery;
  /** Monotonic: a step of the wall clock must neither silence nor repeat the pairing reply. */
  private final Ticker ticker;

  private final CountDownLatch resumed = new CountDownLatch(1);
  /**
   * New messages that came before what the last process left was queued: journaled, and held
   * here to go after it, in order. Held rather than waited for, because an adapter's connect
   * may need its reader to go on: Discord replays what came during a restart before it says
   * RESUMED, and a reader blocked on the first replayed message until the start's resume (which
   * follows the connects) made every takeover wait for the connect timeout.
   */
  private final ReentrantLock gate = new ReentrantLock();

  @GuardedBy("gate")
  private boolean open;

  @GuardedBy("gate")
  private final List<Held> held = new ArrayList<>();

  private record Held(InboundMessage message, Authorizer.Decision decision) {}
  /** When each unknown user last heard about pairing, in {@link #ticker} nanoseconds. */
  private final Map<String, Long> lastPairingReply = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > PAIRING_MEMORY;
    }
  };

  public InboundPipeline(
      InboundJournal journal,
      Outbox outbox,
      Authorizer authorizer,
      Pairing pairing,
      Dispatcher dispatcher,
      Delivery delivery,
      Ticker ticker) {
    this.journal = journal;
    this.outbox = outbox;
    this.authorizer = authorizer;
    this.pairing = pairing;
    this.dispatcher = dispatcher;
    this.delivery = delivery;
    this.ticker = ticker;
  }

  @Override
  public void accept(InboundMessage message) throws InterruptedException {
    Authorizer.Decision decision = authorizer.decide(message);
    if (!record(message, decision)) {
      log.debug("ignoring {}: received before (a redelivery)", message.dedupeKey());
      return;
    }
    // New messages go after what the last process left, so order is kept.
    gate.lock();
    try {
      if (!open) {
        held.add(new Held(message, decision));
        return;
      }
    } finally {
      gate.unlock();
    }
    admit(message, decision, false);
  }

  /**
   * Admits the messages held while the start resumed, then opens the gate; one that comes while
   * these are admitted is held too and admitted in the next round, so none overtakes another.
   */
  private void admitHeldAndOpen() throws InterruptedException {
    while (true) {
      List<Held> next;
      gate.lock();
      try {
        if (held.isEmpty()) {
          open = true;
          return;
        }
        next = List.copyOf(held);
        held.clear();
      } finally {
        gate.unlock();
      }
      for (Held h : next) {
        admit(h.message(), h.decision(), false);
      }
    }
  }

  /** A refused message is recorded as done at once, so no crash can leave it to a restart. */
  private boolean record(InboundMessage m, Authorizer.Decision decision) {
    return switch (decision) {
      case ALLOWED -> journal.record(m);
      case PAIR -> journal.recordRefused(m.ref(), m.sender().userId(), PAIRING);
      case IGNORE -> journal.recordRefused(m.ref(), m.sender().userId(), IGNORED);
    };
  }

  /**
   * @param resumed the message was recorded by an earlier process, which may have let it in;
   *     a refusal now must close its entry
   */
  private void admit(InboundMessage m, Authorizer.Decision decision, boolean resumed)
      throws InterruptedException {
    switch (decision) {
      case ALLOWED -> {
        if (resumed) {
          dispatcher.submitResumed(m);
        } else {
          dispatcher.submit(m);
        }
      }
      case PAIR -> {
        offerPairing(m);
        if (resumed) {
          journal.markDone(m, PAIRING);
        }
      }
      case IGNORE -> {
        log.info(
            "ignoring a message from unknown user {} in group {}", m.sender().userId(), m.chat());
        if (resumed) {
          journal.markDone(m, IGNORED);
        }
      }
    }
  }

  private void offerPairing(InboundMessage m) {
    String who = m.chat().platform() + ":" + m.sender().userId();
    long now = ticker.nanos();
    synchronized (lastPairingReply) {
      Long last = lastPairingReply.get(who);
      if (last != null && now - last < PAIRING_REPLY_EVERY.toNanos()) {
        log.info("unknown user {} wrote again; not repeating the pairing code yet", who);
        return;
      }
      lastPairingReply.put(who, now);
    }
    String text = switch (pairing.codeFor(m)) {
      case Pairing.Reply.Code c -> {
        log.info(
            "pairing code for unknown user {} ({}) in {}; approve it with: switchboard"
                + " pairing approve {} {}",
            who,
            m.sender().displayName(),
            m.chat(),
            m.chat().platform(),
            c.code());
        yield "\ud83d\udd10 I don't know you yet. To get access, ask the operator of this bot to"
            + " run:\n\nswitchboard pairing approve " + m.chat().platform() + " " + c.code()
            + "\n\nThe code is valid for " + Pairing.EXPIRY.toMinutes() + " minutes.";
      }
      case Pairing.Reply.Busy b -> {
        log.warn(
            "unknown user {} asked for access, but {} pairing codes are already waiting",
            who,
            Pairing.MAX_PENDING);
        yield "\ud83d\udd10 Too many access requests are waiting for the operator. Please try"
            + " again later.";
      }
    };
    delivery.notice(m.chat(), text, OutboxKeys.about(m.dedupeKey(), OutboxKeys.Topic.PAIRING));
  }

  /** Waits until what the last process left is queued (new messages are held until then). */
  public void awaitResumed() throws InterruptedException {
    resumed.await();
  }

  /**
   * What earlier processes left unfinished, oldest first. Taken before any platform connects,
   * so nothing new can be in it twice.
   */
  public List<InboundJournal.Entry> leftovers() {
    return journal.unfinished();
  }

  /**
   * Queues what an earlier process left, oldest first, then lets new messages through.
   * Messages of platforms not enabled now stay in the journal for a later start.
   */
  public void resume(List<InboundJournal.Entry> leftovers, Set<String> enabledPlatforms)
      throws InterruptedException {
    resume(leftovers, enabledPlatforms, Set.of());
  }

  /**
   * As {@link #resume(List, Set)}; messages of {@code requestPlatforms} (where the asker waited
   * on a connection that ended with the earlier process, as on the API) are closed instead,
   * since an answer would reach no one.
   */
  public void resume(
      List<InboundJournal.Entry> leftovers,
      Set<String> enabledPlatforms,
      Set<String> requestPlatforms)
      throws InterruptedException {
    int queued = 0;
    int closed = 0;
    List<InboundJournal.Entry> toDeliverAgain = new ArrayList<>();
    try {
      for (InboundJournal.Entry e : leftovers) {
        InboundMessage m = e.message();
        if (requestPlatforms.contains(m.chat().platform())) {
          journal.markDone(m, "abandoned");
          closed++;
          continue;
        }
        if (!enabledPlatforms.contains(m.chat().platform())) {
          log.warn(
              "{} stays pending: platform '{}' is not enabled",
              m.dedupeKey(),
              m.chat().platform());
          continue;
        }
        if (e.status() == InboundJournal.Status.RUNNING) {
          AfterCrash next = afterCrash(e);
          if (next == AfterCrash.DELIVER_AGAIN) {
            toDeliverAgain.add(e);
          }
          if (next != AfterCrash.RUN_AGAIN) {
            continue;
          }
        }
        admit(m, authorizer.decide(m), true);
        queued++;
      }
    } finally {
      try {
        // Also when a leftover failed (the store away): the new messages are not left held.
        // Interrupted (a stop), what is still held is journaled, so the next process answers it.
        admitHeldAndOpen();
      } finally {
        gate.lock();
        try {
          open = true;
        } finally {
          gate.unlock();
        }
        resumed.countDown();
      }
    }
    if (queued > 0) {
      log.info("resumed {} message(s) the previous process had not answered", queued);
    }
    if (closed > 0) {
      log.info(
          "closed {} API request(s) the previous process had not answered: their"
              + " clients were disconnected when it ended",
          closed);
    }
    // After the gate opened: a platform slow to take them must not hold up new messages.
    toDeliverAgain.forEach(this::deliverAgain);
  }

  /** What becomes of a message whose turn was running when its process died. */
  private enum AfterCrash {
    /** Its whole answer reached the chat. */
    DONE,
    /** The agent had answered; the answer's delivery was cut off. */
    DELIVER_AGAIN,
    /** The agent had not finished: ask it again. */
    RUN_AGAIN
  }

  /** A turn was running when its process died: what does the journal say, and the outbox? */
  private AfterCrash afterCrash(InboundJournal.Entry e) {
    InboundMessage m = e.message();
    Optional<Outbox.Entry> first =
        outbox.find(OutboxKeys.firstReplyPart(m.dedupeKey(), e.attempts()));
    boolean previewShown = first.isPresent() && first.get().status() == Outbox.Status.SENT;
    if (previewShown && first.get().complete()) {
      journal.markDone(m, "answered");
      return AfterCrash.DONE;
    }
    if (e.reply() != null) {
      return AfterCrash.DELIVER_AGAIN;
    }
    if (previewShown) {
      // A preview of an answer the agent never finished was on screen: replace it with a word
      // that it was cut off, then answer again below it.
      delivery.amend(
          new MessageRef(m.chat(), first.get().platformMessageId()),
          "\u26a0\ufe0f This answer was cut off by a restart; the full answer follows.");
    }
    return AfterCrash.RUN_AGAIN;
  }

  /**
   * Delivers the answer the agent gave before the crash, under the same outbox keys: what
   * reached the chat is not sent again, what may have is sent again marked as resent.
   */
  private void deliverAgain(InboundJournal.Entry e) {
    InboundMessage m = e.message();
    String reply = Objects.requireNonNull(e.reply(), "reply");
    log.info("delivering again the answer to {} that a restart cut off", m.dedupeKey());
    dispatcher.completeTranscript(m, reply);
    boolean delivered = delivery.redeliver(m, e.attempts(), reply);
    journal.markDone(m, delivered ? "answered" : "undelivered");
  }
}
