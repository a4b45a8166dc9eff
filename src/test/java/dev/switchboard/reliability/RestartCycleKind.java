package dev.switchboard.reliability;

/**
 * The ways the restart cycles ask the gateway under systemd to restart, taken in turn: the two
 * the issue names (our CLI, and systemd's own signal) and the one users send most, /restart
 * from a chat, which is the only one that has someone to tell "restarted".
 */
enum RestartCycleKind {
  /** {@code switchboard restart --home ...}: the CLI sends SIGUSR1 and waits for the new process. */
  CLI("switchboard restart"),
  /** {@code systemctl --user kill -s USR1 switchboard.service}. */
  SYSTEMCTL_KILL("systemctl kill -s USR1"),
  /** An admin sends /restart in a (fake) Telegram chat; the new process says it is done. */
  CHAT("/restart from a chat");

  private final String label;

  RestartCycleKind(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** The kind of cycle {@code n} (from 0): the kinds in turn. */
  static RestartCycleKind ofCycle(int n) {
    return values()[n % values().length];
  }

  /** Whether a restart of this kind has a requester to tell "restarted". */
  boolean notifies() {
    return this == CHAT;
  }
}
