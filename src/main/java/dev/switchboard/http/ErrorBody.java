package dev.switchboard.http;

import tools.jackson.databind.JsonNode;

/**
 * The JSON body of an error the server itself answers (no such path, a body over the limit,
 * headers too large, a handler that failed) for the paths a mount registers it under: the
 * OpenAI-compatible API answers those in OpenAI's error shape, like its own errors.
 */
@FunctionalInterface
public interface ErrorBody {
  /**
   * The body for {@code status}.
   *
   * @param message a short sentence for the client; never an exception's name or text
   */
  JsonNode of(int status, String message);
}
