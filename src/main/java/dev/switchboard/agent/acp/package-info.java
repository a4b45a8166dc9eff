/**
 * The Agent Client Protocol backend: {@link dev.switchboard.agent.acp.AcpBackend} runs an agent
 * as a subprocess and speaks JSON-RPC over its stdin and stdout.
 *
 * <p>Rule: sees only the agent SPI and the shared basics; never another backend or a platform.
 */
package dev.switchboard.agent.acp;
