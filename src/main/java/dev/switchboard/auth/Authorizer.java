package dev.switchboard.auth;

import dev.switchboard.platform.InboundMessage;
import dev.switchboard.store.Pairings;

/** Decides what becomes of each inbound message before anything reaches the agent. */
public final class Authorizer {
  /** The verdict on one message. */
  public enum Decision {
    /** Goes to the dispatcher. */
    ALLOWED,
    /** An unknown user in a private chat: gets a pairing code, nothing else. */
    PAIR,
    /** An unknown user in a group: ignored (a code would be visible to everyone). */
    IGNORE
  }

  private final AccessPolicy policy;
  private final Pairings approvals;

  public Authorizer(AccessPolicy policy, Pairings approvals) {
    this.policy = policy;
    this.approvals = approvals;
  }

  public Decision decide(InboundMessage m) {
    if (m.synthetic()) {
      // Authorized when it was made: a job by an admin, a webhook by its checked signature.
      return Decision.ALLOWED;
    }
    String platform = m.chat().platform();
    String user = m.sender().userId();
    if (policy.allowed(platform, user) || approvals.approved(platform, user)) {
      return Decision.ALLOWED;
    }
    return m.group() ? Decision.IGNORE : Decision.PAIR;
  }

  public boolean isAdmin(InboundMessage m) {
    return policy.admin(m.chat().platform(), m.sender().userId());
  }

  public AccessPolicy policy() {
    return policy;
  }
}
