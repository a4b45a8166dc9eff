package dev.switchboard.session;

import dev.switchboard.agent.ChatMessage;
import dev.switchboard.media.ReplyFiles;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.store.Conversations;
import java.util.List;

/**
 * Puts an answer the journal kept across a crash into the conversation's transcript when the
 * crash came before it got there. A turn records its answer in the journal first and in the
 * transcript second: the journal's copy decides that the answer is delivered rather than asked
 * for again, so the transcript must then be completed from it, or the next turn would send the
 * model a question without its answer.
 */
final class RecoveredAnswers {
  private final Conversations conversations;
  private final boolean sessionPerUserInGroups;

  RecoveredAnswers(Conversations conversations, boolean sessionPerUserInGroups) {
    this.conversations = conversations;
    this.sessionPerUserInGroups = sessionPerUserInGroups;
  }

  /**
   * Appends {@code answer} when the transcript still ends with {@code message}'s question (the
   * turn put it there before asking the agent); anything else there means the answer got in, or
   * the conversation moved on (/new), and it is left alone.
   */
  boolean complete(InboundMessage message, String answer) {
    String key = SessionKey.of(message, sessionPerUserInGroups).id();
    int generation = conversations.generation(key);
    List<Conversations.Line> last = conversations.lines(key, generation, 1);
    boolean endsWithQuestion = !last.isEmpty()
        && last.getFirst().role().equals(ChatMessage.USER)
        && last.getFirst().text().equals(UserText.of(message));
    if (endsWithQuestion) {
      conversations.append(
          key, generation, ChatMessage.ASSISTANT, ReplyFiles.forTranscript(answer));
    }
    return endsWithQuestion;
  }
}
