package dev.switchboard.session;

/** Why the dispatcher stops taking turns, which decides what the chats are told. */
public enum DrainReason {
  RESTART("restarting"),
  STOP("shutting down");

  private final String doing;

  DrainReason(String doing) {
    this.doing = doing;
  }

  /** "restarting", for messages such as "Switchboard is restarting". */
  public String doing() {
    return doing;
  }
}
