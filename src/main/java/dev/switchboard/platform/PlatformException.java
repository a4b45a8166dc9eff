package dev.switchboard.platform;

/**
 * A platform call that failed. {@link #fatal()} says retrying cannot help (a revoked token, a
 * chat the bot was removed from); the message must not contain credentials.
 */
public class PlatformException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean fatal;

  public PlatformException(String message, boolean fatal, Throwable cause) {
    super(message, cause);
    this.fatal = fatal;
  }

  public PlatformException(String message, boolean fatal) {
    this(message, fatal, null);
  }

  public boolean fatal() {
    return fatal;
  }
}
