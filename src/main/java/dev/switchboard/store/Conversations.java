package dev.switchboard.store;

import java.time.Instant;
import java.util.List;

/**
 * Sessions and their transcripts. A session's conversation is numbered: /new starts the next
 * one, and the transcript is kept per conversation.
 */
public interface Conversations {
  /** One line of a transcript. */
  record Line(String role, String text, Instant at) {}

  /** The current conversation number of a session; 0 for a session never reset. */
  int generation(String sessionKey);

  /** Starts the next conversation and returns its number. */
  int startNew(String sessionKey);

  void append(String sessionKey, int generation, String role, String text);

  /** The last {@code limit} lines of one conversation, oldest first. */
  List<Line> lines(String sessionKey, int generation, int limit);
}
