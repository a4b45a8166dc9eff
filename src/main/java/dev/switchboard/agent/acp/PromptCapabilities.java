package dev.switchboard.agent.acp;

import tools.jackson.databind.JsonNode;

/**
 * What an agent said, in its {@code initialize} answer
 * ({@code agentCapabilities.promptCapabilities}), it takes in a {@code session/prompt} beyond
 * the text and {@code resource_link} blocks every agent must take.
 *
 * @param image it takes {@code image} blocks
 * @param embeddedContext it takes {@code resource} blocks (a file's contents in the prompt)
 */
record PromptCapabilities(boolean image, boolean embeddedContext) {
  /** The baseline: text and resource links only. */
  static final PromptCapabilities BASELINE = new PromptCapabilities(false, false);

  /**
   * Read from the {@code initialize} result. A missing or malformed value is false, as the
   * protocol's schema says ({@code default: false}, default on error).
   */
  static PromptCapabilities of(JsonNode initializeResult) {
    JsonNode caps = initializeResult.path("agentCapabilities").path("promptCapabilities");
    return new PromptCapabilities(
        caps.path("image").isBoolean() && caps.path("image").booleanValue(),
        caps.path("embeddedContext").isBoolean() && caps.path("embeddedContext").booleanValue());
  }
}
