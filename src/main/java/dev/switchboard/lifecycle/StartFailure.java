package dev.switchboard.lifecycle;

/**
 * A start that cannot succeed for a reason a person can read and fix (a port in use), logged
 * as its message alone: a stack trace would only bury the remedy.
 */
final class StartFailure extends RuntimeException {
  StartFailure(String message) {
    super(message, null, false, false);
  }
}
