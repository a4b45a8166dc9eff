package dev.switchboard.testing;

import java.util.concurrent.CountDownLatch;

/** Latch waits that tests need and the JDK does not offer. */
public final class Latches {
  private Latches() {}

  /**
   * Waits for {@code latch} deaf to interrupts, as a call blocked in I/O or a database would be,
   * and sets the thread's interrupt flag again afterwards if one came.
   */
  public static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
