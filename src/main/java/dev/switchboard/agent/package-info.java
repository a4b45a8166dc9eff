/**
 * The agent backend SPI: {@link dev.switchboard.agent.AgentBackend} runs one turn, streams its
 * text and can be interrupted; implementations are found through {@link
 * dev.switchboard.agent.AgentBackendFactory} (ServiceLoader).
 *
 * <p>Rule: the SPI depends on no session, command, delivery, lifecycle or CLI code, and the core
 * never names an implementation (ArchitectureTest).
 */
package dev.switchboard.agent;
