/**
 * The echo backend: {@link dev.switchboard.agent.echo.EchoBackend} answers with the message it
 * got, for trying the gateway without a model.
 *
 * <p>Rule: sees only the agent SPI and the shared basics.
 */
package dev.switchboard.agent.echo;
