package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Signals before the gateway attaches: queued for it, and a stop ends a start's wait. */
class SignalsTest {
  @Test
  void aStopQueuedWhileStartingRunsTheActionAndIsStillReplayedOnAttach() {
    Signals signals = Signals.withoutHandlers();
    AtomicInteger woken = new AtomicInteger();
    signals.onQueuedStop(woken::incrementAndGet);

    signals.deliver("HUP");
    assertThat(woken).hasValue(0);
    assertThat(signals.stopPending()).isFalse();

    signals.deliver("TERM");
    assertThat(woken).hasValue(1);
    assertThat(signals.stopPending()).isTrue();

    signals.onQueuedStop(null);
    List<String> replayed = new ArrayList<>();
    signals.attach(replayed::add);
    assertThat(replayed).containsExactly("HUP", "TERM");
    signals.deliver("INT");
    assertThat(woken).hasValue(1);
    assertThat(replayed).containsExactly("HUP", "TERM", "INT");
  }

  @Test
  void anActionSetAfterTheStopCameRunsAtOnce() {
    Signals signals = Signals.withoutHandlers();
    signals.deliver("INT");
    AtomicInteger woken = new AtomicInteger();
    signals.onQueuedStop(woken::incrementAndGet);
    assertThat(woken).hasValue(1);
  }
}
