package dev.switchboard.session;

/** What starts the gateway's own turns needs of them: {@link SyntheticTurns} in the gateway. */
public interface SyntheticTurnStarter {
  /**
   * Records and dispatches {@code turn}. Returns false, starting nothing, when the same run was
   * recorded before (started already, perhaps by an earlier process).
   */
  boolean start(SyntheticTurn turn) throws InterruptedException;

  /** True while the run is recorded and not finished (waiting, or its turn running). */
  boolean unfinished(SyntheticTurn turn);
}
