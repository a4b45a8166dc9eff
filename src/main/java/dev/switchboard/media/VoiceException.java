package dev.switchboard.media;

import org.jspecify.annotations.Nullable;

/**
 * A transcription or a speech request that failed. {@link #userMessage()} is one line for the
 * chat: what went wrong, at which server, and which setting to look at; {@link #getMessage()}
 * is the detail for the log. Neither contains an API key.
 */
public final class VoiceException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String userMessage;

  public VoiceException(String userMessage, String detail, @Nullable Throwable cause) {
    super(detail, cause);
    this.userMessage = userMessage;
  }

  public String userMessage() {
    return userMessage;
  }
}
