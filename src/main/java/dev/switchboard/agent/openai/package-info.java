/**
 * The OpenAI-compatible backend: {@link dev.switchboard.agent.openai.OpenAiBackend} streams chat
 * completions over HTTP (Server-Sent Events) from any server that speaks that API.
 *
 * <p>Rule: sees only the agent SPI and the shared basics; never another backend or a platform.
 */
package dev.switchboard.agent.openai;
