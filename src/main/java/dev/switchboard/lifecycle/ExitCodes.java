package dev.switchboard.lifecycle;

/**
 * The process's exit codes: what each one tells a service manager. See docs/operations.md, "Exit
 * codes", and the unit's {@code SuccessExitStatus=75}, {@code RestartForceExitStatus=75} and {@code
 * RestartPreventExitStatus=78}.
 */
public final class ExitCodes {
  private ExitCodes() {}

  /** A requested stop (SIGTERM, SIGINT, {@code switchboard stop}); never a failure. */
  public static final int STOPPED = 0;
  /** An unexpected fatal error, or a start that failed for a reason other than configuration. */
  public static final int CRASHED = 1;
  /** EX_TEMPFAIL: a restart was requested and a service manager will start us again. */
  public static final int RESTART = 75;
  /** EX_CONFIG: the configuration is wrong; restarting cannot help. */
  public static final int CONFIG_ERROR = 78;

  /**
   * The code a stop of this kind ends with (lifecycle rule 3). A restart without a service
   * manager ends with 0: a detached successor is started instead.
   */
  static int forStop(StopKind kind, ServiceManager serviceManager) {
    return switch (kind) {
      case STOP -> STOPPED;
      case RESTART -> serviceManager == ServiceManager.NONE ? STOPPED : RESTART;
      case CONFIG_ERROR -> CONFIG_ERROR;
      case CRASH -> CRASHED;
    };
  }
}
