package dev.switchboard.platform;

/**
 * Where an adapter hands each inbound message. An adapter acknowledges a message to its
 * platform only after this returns: by then the gateway has taken responsibility for it.
 */
@FunctionalInterface
public interface InboundHandler {
  /**
   * Accepts one message. May block briefly when the gateway is saturated, which slows the
   * adapter's receive loop instead of dropping messages.
   *
   * @throws InterruptedException when the adapter is being stopped
   */
  void accept(InboundMessage message) throws InterruptedException;
}
