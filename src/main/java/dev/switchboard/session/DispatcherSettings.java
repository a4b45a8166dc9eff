package dev.switchboard.session;

import java.time.Duration;

/**
 * How the dispatcher takes messages and runs turns.
 *
 * @param maxQueuedPerSession messages that may wait behind a running turn in one session
 * @param intakeCapacity messages accepted from adapters but not yet routed
 * @param intakeWait how long an adapter's thread may wait for room in the intake
 * @param turns how turns run: history, approvals, tool progress
 */
public record DispatcherSettings(
    BusyPolicy busyPolicy,
    boolean sessionPerUserInGroups,
    int maxQueuedPerSession,
    int intakeCapacity,
    Duration intakeWait,
    TurnSettings turns) {

  public static DispatcherSettings defaults() {
    return new DispatcherSettings(
        BusyPolicy.INTERRUPT, true, 20, 1024, Duration.ofSeconds(10), TurnSettings.defaults());
  }

  public DispatcherSettings withBusyPolicy(BusyPolicy policy) {
    return new DispatcherSettings(
        policy, sessionPerUserInGroups, maxQueuedPerSession, intakeCapacity, intakeWait, turns);
  }

  public DispatcherSettings withTurns(TurnSettings settings) {
    return new DispatcherSettings(
        busyPolicy,
        sessionPerUserInGroups,
        maxQueuedPerSession,
        intakeCapacity,
        intakeWait,
        settings);
  }
}
