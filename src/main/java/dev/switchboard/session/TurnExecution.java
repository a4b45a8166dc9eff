package dev.switchboard.session;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.ReplyStream;
import dev.switchboard.platform.InboundMessage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent turn, from the backend call to the delivered reply: the reply streams while the
 * backend works, and ends with a note when the turn was stopped, superseded or interrupted by a
 * shutdown, or with a plain message when the backend failed.
 */
final class TurnExecution {
  private static final Logger log = LoggerFactory.getLogger(TurnExecution.class);

  private TurnExecution() {}

  /**
   * @param closeInterruptWindow called once the backend has returned: from then on a cancel no
   *     longer interrupts this thread, so the final delivery cannot be cut short
   */
  static void run(InboundMessage m, String conversationId, TurnControl control,
      AgentBackend backend, Delivery delivery, Runnable closeInterruptWindow,
      Supplier<DrainReason> drainReason) {
    ReplyStream stream = delivery.openReply(m.chat());
    TurnRequest request = new TurnRequest(conversationId, m.chat(), m.sender(), m.text());
    String text = null;
    String failure = null;
    boolean interrupted = false;
    try {
      TurnResult result = backend.run(request, stream::append, control);
      text = result.text();
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (AgentException e) {
      log.warn("turn in {} failed: {}", m.chat(), e.getMessage());
      failure = e.userMessage();
    } catch (RuntimeException e) {
      log.error("the agent backend failed a turn in {}", m.chat(), e);
      failure = "The agent failed to answer; the details are in the gateway log.";
    } finally {
      closeInterruptWindow.run();
    }
    TurnControl.Reason why = control.reason();
    String soFar = stream.textSoFar();
    String reply;
    if (failure != null) {
      reply = join(soFar, "\u26a0\ufe0f " + failure);
    } else if (why != null) {
      reply = join(text == null ? soFar : text, note(why, drainReason.get()));
    } else if (interrupted) {
      reply = join(soFar, "\u26a0\ufe0f Interrupted.");
    } else {
      reply = text;
    }
    stream.finish(reply);
  }

  static String note(TurnControl.Reason why, DrainReason drain) {
    return switch (why) {
      case USER_STOP -> "\u23f9 Stopped.";
      case SUPERSEDED -> "\u23f9 Interrupted by your next message.";
      case SHUTDOWN -> "\u26a0\ufe0f Interrupted: Switchboard is " + drain.doing()
          + ". Send your message again once it is back.";
    };
  }

  private static String join(String text, String note) {
    return text == null || text.isBlank() ? note : text.stripTrailing() + "\n\n" + note;
  }
}
