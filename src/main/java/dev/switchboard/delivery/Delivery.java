package dev.switchboard.delivery;

import dev.switchboard.common.Ticker;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.PlatformException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends replies and notices to chats, chunked to each platform's limits. */
public final class Delivery {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  private final Outbound outbound;
  private final Ticker ticker;

  public Delivery(Outbound outbound, Ticker ticker) {
    this.outbound = outbound;
    this.ticker = ticker;
  }

  public ReplyStream openReply(ChatRef chat) {
    return new ReplyStream(outbound, chat, outbound.limits(chat.platform()), ticker);
  }

  /**
   * Sends a short gateway notice ("restarting", "unknown command"). Returns false, after a
   * warning in the log, when it could not be delivered; a notice is never worth failing for.
   */
  public boolean notice(ChatRef chat, String text) {
    try {
      send(chat, text);
      return true;
    } catch (PlatformException | RuntimeException e) {
      log.warn("could not send a notice to {}: {}", chat, e.getMessage());
      return false;
    }
  }

  /** Sends a complete text, split as needed, and lets the caller handle a failure. */
  public void send(ChatRef chat, String text) throws PlatformException {
    List<String> parts = Chunker.split(text, outbound.limits(chat.platform()).maxMessageLength());
    for (String part : parts) {
      outbound.send(chat, part);
    }
  }
}
