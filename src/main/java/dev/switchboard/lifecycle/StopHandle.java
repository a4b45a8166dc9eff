package dev.switchboard.lifecycle;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's one stop, as seen by the parts that must be able to ask for it but are built
 * before it: the task supervisor (a critical task ended), the hard deadline, the admin page, the
 * commands' control. The stop in turn tears those parts down, so one of the two must come
 * second; the assembly creates this handle first and binds the {@link StopCoordinator} to it,
 * once, before the gateway runs.
 */
final class StopHandle {
  private volatile @Nullable StopCoordinator coordinator;

  void bind(StopCoordinator c) {
    if (coordinator != null) {
      throw new IllegalStateException("the stop is already bound");
    }
    coordinator = c;
  }

  boolean request(StopRequest request) {
    return coordinator().request(request);
  }

  boolean requestWithoutDrain(StopRequest request, String why) {
    return coordinator().requestWithoutDrain(request, why);
  }

  <E extends Exception> boolean requestIf(
      StopRequest request, StopCoordinator.Precondition<E> precondition) throws E {
    return coordinator().requestIf(request, precondition);
  }

  boolean stopping() {
    return coordinator().stopping();
  }

  int exitCode() {
    return coordinator().exitCode();
  }

  boolean relaunchCancelled() {
    return coordinator().relaunchCancelled();
  }

  CompletableFuture<Void> skipDrain() {
    return coordinator().skipDrain();
  }

  void forceExit(int code) {
    coordinator().forceExit(code);
  }

  private StopCoordinator coordinator() {
    StopCoordinator c = coordinator;
    if (c == null) {
      throw new IllegalStateException("the stop is not bound yet: the gateway is being built");
    }
    return c;
  }
}
