package dev.switchboard.session;

/** What a message does when its session already has a turn running. */
public enum BusyPolicy {
  /** Cancel the running turn; the new message is handled next. */
  INTERRUPT,
  /** Wait; messages are handled in order after the running turn. */
  QUEUE
}
