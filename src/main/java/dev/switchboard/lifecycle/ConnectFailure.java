package dev.switchboard.lifecycle;

import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Why a platform is not connected, and whether trying again soon can help.
 *
 * @param why one line for the log and the state file, without secrets
 * @param lasting true when a retry at once cannot help (the credentials were refused, the
 *     adapter has a bug): the platform is failed and tried again only now and then; false for
 *     what passes (a refused or reset connection, a timeout, DNS, TLS, HTTP 5xx or 429)
 */
record ConnectFailure(String why, boolean lasting) {

  /**
   * Adapters say what passes: their {@link PlatformException}s carry the kind (a 5xx, a 429
   * and a request that got no answer pass; a 401, or a 400 refusing what was asked, last); an {@link IOException} is the network.
   * Anything else is a bug or a refusal a quick retry will not cure.
   */
  static ConnectFailure of(Throwable error) {
    boolean passing = switch (error) {
      case PlatformException p ->
        switch (p.kind()) {
          case TRANSIENT, RATE_LIMITED, UNKNOWN_OUTCOME -> true;
          case FATAL, REFUSED -> false;
        };
      case IOException _ -> true;
      case UncheckedIOException _ -> true;
      default -> false;
    };
    return new ConnectFailure(describe(error), !passing);
  }

  static ConnectFailure timedOut(long seconds) {
    return new ConnectFailure("connect timed out after " + seconds + " s", false);
  }

  static ConnectFailure loopEnded(String loop) {
    return new ConnectFailure("its " + loop + " loop ended", false);
  }

  static String describe(Throwable t) {
    String msg = t.getMessage();
    return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }
}
