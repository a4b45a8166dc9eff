package dev.switchboard.session;

import dev.switchboard.auth.Authorizer;
import dev.switchboard.auth.Pairing;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.OutboxKeys;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.store.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to an inbound message between the adapter and the dispatcher: it is journaled
 * (so the adapter may acknowledge it to its platform once {@link #accept} returns, and a
 * redelivery is recognised and dropped), then authorized (unknown users get a pairing code in
 * private chats and are ignored in groups; nothing of theirs reaches the agent), then handed
 * to the dispatcher.
 *
 * <p>At start, {@link #resume} hands the dispatcher what the previous process left unfinished,
 * before any new message: a message that was waiting is answered; a turn that was running when
 * the process died is run again, unless the outbox shows its reply already arrived (then it is
 * done) or may have arrived in part (then the user is told plainly, not answered twice).
 */
public final class InboundPipeline implements InboundHandler {
  private static final Logger log = LoggerFactory.getLogger(InboundPipeline.class);
  /** An unknown user who keeps writing hears about pairing at most this often. */
  static final Duration PAIRING_REPLY_EVERY = Duration.ofMinutes(10);

  private static final int PAIRING_MEMORY = 1024;

  private final InboundJournal journal;
  private final Outbox outbox;
  private final Authorizer authorizer;
  private final Pairing pairing;
  private final Dispatcher dispatcher;
  private final Delivery delivery;
  private final Clock clock;
  private final CountDownLatch resumed = new CountDownLatch(1);
  private final Map<String, Instant> lastPairingReply = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
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
      Clock clock) {
    this.journal = journal;
    this.outbox = outbox;
    this.authorizer = authorizer;
    this.pairing = pairing;
    this.dispatcher = dispatcher;
    this.delivery = delivery;
    this.clock = clock;
  }

  @Override
  public void accept(InboundMessage message) throws InterruptedException {
    if (!journal.record(message)) {
      log.debug("ignoring {}: received before (a redelivery)", message.dedupeKey());
      return;
    }
    // New messages wait until what the last process left is queued, so order is kept.
    resumed.await();
    admit(message, false);
  }

  private void admit(InboundMessage m, boolean resumed) throws InterruptedException {
    switch (authorizer.decide(m)) {
      case ALLOWED -> {
        if (resumed) {
          dispatcher.submitResumed(m);
        } else {
          dispatcher.submit(m);
        }
      }
      case PAIR -> {
        offerPairing(m);
        journal.markDone(m, "pairing");
      }
      case IGNORE -> {
        log.info(
            "ignoring a message from unknown user {} in group {}", m.sender().userId(), m.chat());
        journal.markDone(m, "ignored");
      }
    }
  }

  private void offerPairing(InboundMessage m) {
    String who = m.chat().platform() + ":" + m.sender().userId();
    Instant now = clock.instant();
    synchronized (lastPairingReply) {
      Instant last = lastPairingReply.get(who);
      if (last != null && Duration.between(last, now).compareTo(PAIRING_REPLY_EVERY) < 0) {
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
        if (e.status() == InboundJournal.Status.RUNNING && !shouldRunAgain(e)) {
          continue;
        }
        admit(m, true);
        queued++;
      }
    } finally {
      resumed.countDown();
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
  }

  /** A turn was running when its process died: what does the outbox say reached the chat? */
  private boolean shouldRunAgain(InboundJournal.Entry e) {
    InboundMessage m = e.message();
    String prefix = OutboxKeys.replyPrefix(m.dedupeKey(), e.attempts());
    List<Outbox.Entry> sent = outbox.forInbound(m.dedupeKey()).stream()
        .filter(o -> o.key().startsWith(prefix))
        .toList();
    if (sent.stream()
        .anyMatch(
            o -> o.status() == Outbox.Status.SENDING || o.status() == Outbox.Status.UNKNOWN)) {
      delivery.notice(
          m.chat(),
          "\u26a0\ufe0f Switchboard restarted while sending my answer to"
              + " your message, so part of it may be missing. Send it again if you need all of it.",
          OutboxKeys.about(m.dedupeKey(), OutboxKeys.Topic.CUT_BY_RESTART));
      journal.markDone(m, "interrupted");
      return false;
    }
    String firstKey = OutboxKeys.firstReplyPart(m.dedupeKey(), e.attempts());
    Optional<Outbox.Entry> first =
        sent.stream().filter(o -> o.key().equals(firstKey)).findFirst();
    if (first.isPresent() && first.get().status() == Outbox.Status.SENT) {
      if (first.get().complete()) {
        journal.markDone(m, "answered");
        return false;
      }
      // A preview was on screen: replace it with a word that it was cut off, then answer
      // again below it.
      delivery.amend(
          new MessageRef(m.chat(), first.get().platformMessageId()),
          "\u26a0\ufe0f This answer was cut off by a restart; the full answer follows.");
    }
    return true;
  }
}
