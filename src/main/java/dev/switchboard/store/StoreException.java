package dev.switchboard.store;

import org.jspecify.annotations.Nullable;

/**
 * The store could not do what was asked (disk full, database locked for too long, corrupt
 * file). Unchecked: callers either let it fail the operation (an inbound message is then not
 * acknowledged and the platform delivers it again) or report it.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
