package dev.switchboard.agent.echo;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnOutput;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Replies with the user's own words, streamed word by word with an optional pause between
 * words. It needs no service, so a fresh install works, and the pause makes turns long enough
 * to watch streaming, /stop and restarts at work.
 */
public final class EchoBackend implements AgentBackend {
  private final Duration wordDelay;

  public EchoBackend(Duration wordDelay) {
    this.wordDelay = wordDelay;
  }

  @Override
  public boolean usesHistory() {
    return false; // it repeats the message
  }

  @Override
  public String describe() {
    return wordDelay.isZero() ? "echo" : "echo (" + wordDelay.toMillis() + " ms per word)";
  }

  @Override
  public TurnResult run(TurnRequest request, TurnOutput output, TurnControl control)
      throws InterruptedException {
    String[] words = request.text().strip().split("(?<=\\s)", -1);
    StringBuilder sent = new StringBuilder();
    for (String word : words) {
      if (control.cancelled()) {
        break;
      }
      if (!wordDelay.isZero()) {
        TimeUnit.NANOSECONDS.sleep(wordDelay.toNanos());
      }
      output.append(word);
      sent.append(word);
    }
    return new TurnResult(sent.toString());
  }
}
