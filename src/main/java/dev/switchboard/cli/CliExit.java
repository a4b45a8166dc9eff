package dev.switchboard.cli;

/**
 * What the command line's own subcommands (start, stop, status, doctor, pairing, install...)
 * exit with. Not the gateway's codes ({@code lifecycle.ExitCodes}, which {@code run} returns
 * and supervisors read): a command that did its job exits {@link #OK}, one that could not
 * {@link #FAILED}, and one refused for its configuration {@link #CONFIG_ERROR}, as the
 * gateway would have been.
 */
final class CliExit {
  private CliExit() {}

  /** The command did what was asked (or it was already so: "already running"). */
  static final int OK = 0;
  /** The command could not do it; the reason is on stderr. */
  static final int FAILED = 1;
  /** The configuration is wrong (EX_CONFIG): the gateway would not start with it either. */
  static final int CONFIG_ERROR = 78;
}
