package dev.switchboard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DrainGateTest {
  private final DrainGate gate = new DrainGate();

  @Test
  void anEmptyGateIsDrainedAtOnce() {
    assertThat(gate.beginDrain()).isDone();
  }

  @Test
  void theDrainWaitsForEverythingInsideAndCompletesWhenTheLastLeaves() {
    gate.enter();
    gate.enter();
    CompletableFuture<Void> drained = gate.beginDrain();
    assertThat(drained).isNotDone();
    gate.leave();
    assertThat(drained).isNotDone();
    gate.leave();
    assertThat(drained).isDone();
  }

  @Test
  void workThatEndsBeforeTheDrainDoesNotCompleteIt() {
    gate.enter();
    gate.leave();
    assertThat(gate.draining()).isFalse();
    gate.enter();
    CompletableFuture<Void> drained = gate.beginDrain();
    assertThat(drained).isNotDone();
    gate.leave();
    assertThat(drained).isDone();
  }

  @Test
  void beginningAgainReturnsTheSameFuture() {
    gate.enter();
    CompletableFuture<Void> first = gate.beginDrain();
    assertThat(gate.beginDrain()).isSameAs(first);
    assertThat(gate.draining()).isTrue();
  }

  @Test
  void workEnteringAfterTheDrainCompletedLeavesItCompleted() {
    CompletableFuture<Void> drained = gate.beginDrain();
    gate.enter(); // a deferral notice sent after the drain began
    assertThat(drained).isDone();
    gate.leave();
    assertThat(drained).isDone();
  }
}
