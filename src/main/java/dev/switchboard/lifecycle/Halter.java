package dev.switchboard.lifecycle;

/**
 * Ends the process at once with a code, skipping shutdown hooks (which are exactly what may be
 * stuck). Production uses {@link Runtime#halt}; tests record the call instead.
 */
@FunctionalInterface
public interface Halter {
  void halt(int exitCode);

  Halter RUNTIME = code -> Runtime.getRuntime().halt(code);
}
