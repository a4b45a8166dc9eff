/**
 * Attachments between the platforms and the agents: the content-addressed store their bytes
 * are kept in, the limits on them, the text read out of documents for models that take only
 * text, and voice: the clients of OpenAI-compatible speech-to-text and text-to-speech servers.
 *
 * <p>Rule: sees only the shared basics ({@code common}, {@code config}) and the platform SPI's
 * value types; the session layer drives it and the backends get what it made through their
 * turn requests.
 */
package dev.switchboard.media;
