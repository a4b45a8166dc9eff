package dev.switchboard.lifecycle;

/** Why the process is ending; decides the exit code and what the chats are told. */
public enum StopKind {
  STOP,
  RESTART,
  CONFIG_ERROR,
  CRASH
}
