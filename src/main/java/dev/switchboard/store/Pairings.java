package dev.switchboard.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Pairing codes handed to unknown users, and the users an operator approved. */
public interface Pairings {
  /** A code a user received in a private chat. */
  record Code(
      String platform,
      String code,
      String userId,
      String chatId,
      String displayName,
      Instant createdAt,
      Instant expiresAt,
      @Nullable Instant usedAt) {}

  /** A user the operator let in. */
  record Approval(String platform, String userId, String displayName, Instant approvedAt) {}

  /**
   * Stores a new code. A code already stored for the platform is kept as it is, and the call
   * fails with a {@link StoreException}: a collision must never hand one user's code to another.
   */
  void addCode(Code code);

  Optional<Code> findCode(String platform, String code);

  /** Codes not used and not expired at {@code now}, oldest first. */
  List<Code> pending(String platform, Instant now);

  /**
   * Marks the code used and approves its user, in one transaction. Fails with a {@link
   * StoreException}, changing nothing, when the code is not stored or was used already.
   */
  Approval redeem(Code code, Instant now);

  boolean approved(String platform, String userId);

  /** The platform's approved users, in the order they were (last) approved. */
  List<Approval> approvals(String platform);

  /** Returns false when the user was not approved. */
  boolean revoke(String platform, String userId);

  /** Forgets codes that expired before {@code now}. */
  int deleteExpired(Instant now);
}
