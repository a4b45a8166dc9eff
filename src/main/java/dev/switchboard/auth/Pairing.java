package dev.switchboard.auth;

import dev.switchboard.platform.InboundMessage;
import dev.switchboard.store.Pairings;
import dev.switchboard.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * DM pairing: an unknown user in a private chat gets a one-time code that the operator approves
 * with {@code switchboard pairing approve <platform> <code>}. Codes expire after an hour. A user
 * has at most one pending code: writing again while it is valid gets the same code back, so
 * one stranger holds one place whatever they send. At most {@link #MAX_PENDING} codes per
 * platform wait at once, so strangers cannot grow the store without bound.
 */
public final class Pairing {
  public static final Duration EXPIRY = Duration.ofHours(1);

  /**
   * Codes that may wait per platform. Each stranger holds one, so blocking pairing for others
   * takes this many distinct accounts writing within the hour (and again every hour): a farm,
   * not a handful of strangers (with 5, five accounts renewing their codes blocked it for
   * good). The cap still bounds what strangers can cost: 1,000 rows of about 200 bytes, and
   * 1,000 log lines an hour, per platform.
   */
  public static final int MAX_PENDING = 1_000;

  /** What to tell an unknown user. */
  public sealed interface Reply {
    /** A code (new, or the one the user already has). */
    record Code(String code, Instant expiresAt) implements Reply {}

    /** Too many codes are waiting for the operator. */
    record Busy() implements Reply {}
  }

  /** What came of an approval. */
  public sealed interface Approval {
    record Approved(Pairings.Approval approval) implements Approval {}

    record Unknown() implements Approval {}

    record Expired(Instant at) implements Approval {}

    record AlreadyUsed(Instant at) implements Approval {}
  }

  private final Pairings store;
  private final PairingCodes codes;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();

  public Pairing(Pairings store, PairingCodes codes, Clock clock) {
    this.store = store;
    this.codes = codes;
    this.clock = clock;
  }

  /** The code for the sender of {@code m}, creating one if they have none. */
  public Reply codeFor(InboundMessage m) {
    String platform = m.chat().platform();
    Instant now = clock.instant();
    lock.lock();
    try {
      store.deleteExpired(now);
      List<Pairings.Code> pending = store.pending(platform, now);
      Optional<Pairings.Code> mine =
          pending.stream().filter(c -> c.userId().equals(m.sender().userId())).findFirst();
      if (mine.isPresent()) {
        return new Reply.Code(mine.get().code(), mine.get().expiresAt());
      }
      if (pending.size() >= MAX_PENDING) {
        return new Reply.Busy();
      }
      for (int attempt = 0; attempt < 5; attempt++) {
        String code = codes.next();
        if (store.findCode(platform, code).isPresent()) {
          continue; // astronomically rare, but a collision must not approve someone else
        }
        Pairings.Code c = new Pairings.Code(
            platform,
            code,
            m.sender().userId(),
            m.chat().chatId(),
            m.sender().displayName(),
            now,
            now.plus(EXPIRY),
            null);
        store.addCode(c);
        return new Reply.Code(code, c.expiresAt());
      }
      throw new StoreException("could not draw an unused pairing code", null);
    } finally {
      lock.unlock();
    }
  }

  public Approval approve(String platform, String typedCode) {
    Instant now = clock.instant();
    Optional<Pairings.Code> found = store.findCode(platform, PairingCodes.normalize(typedCode));
    if (found.isEmpty()) {
      return new Approval.Unknown();
    }
    Pairings.Code code = found.get();
    if (code.usedAt() != null) {
      return new Approval.AlreadyUsed(code.usedAt());
    }
    if (!code.expiresAt().isAfter(now)) {
      return new Approval.Expired(code.expiresAt());
    }
    try {
      return new Approval.Approved(store.redeem(code, now));
    } catch (StoreException e) {
      // lost a race with another approval of the same code
      return new Approval.AlreadyUsed(now);
    }
  }
}
