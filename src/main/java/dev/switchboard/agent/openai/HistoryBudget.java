package dev.switchboard.agent.openai;

import dev.switchboard.agent.ChatMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Fits a conversation into the model's context: the system prompt and the current message are
 * always sent; earlier messages are kept newest first while they fit, and the oldest are
 * dropped.
 *
 * <p>Tokens are estimated, not counted: {@code ceil(UTF-8 bytes / 4) + 4} per message. Four
 * bytes a token is about right for English with the common BPE tokenizers, and overestimates
 * for code; the 4 extra cover the role and the message framing. A real tokenizer would depend
 * on the model, which an OpenAI-compatible server does not tell us.
 */
final class HistoryBudget {
  /** Tokens added to each message for its role and framing. */
  static final int PER_MESSAGE = 4;

  private HistoryBudget() {}

  /** The estimated tokens of one message: {@code ceil(UTF-8 bytes / 4) + 4}. */
  static int estimate(String text) {
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    return (bytes + 3) / 4 + PER_MESSAGE;
  }

  /**
   * The newest part of {@code history} that fits in {@code budget} beside the system prompt
   * (null for none) and the current text; a message that does not fit ends the search, so the
   * result is always a contiguous tail.
   */
  static List<ChatMessage> fit(
      @Nullable String systemPrompt, List<ChatMessage> history, String current, int budget) {
    return fit(systemPrompt, history, estimate(current), budget);
  }

  /** As {@link #fit(String, List, String, int)}, for a current message of estimated tokens. */
  static List<ChatMessage> fit(
      @Nullable String systemPrompt, List<ChatMessage> history, int currentTokens, int budget) {
    long left = (long) budget - currentTokens - (systemPrompt == null ? 0 : estimate(systemPrompt));
    int from = history.size();
    while (from > 0) {
      int cost = estimate(history.get(from - 1).text());
      if (cost > left) {
        break;
      }
      left -= cost;
      from--;
    }
    return history.subList(from, history.size());
  }
}
