package dev.switchboard.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Sessions and their transcripts. A session's conversation is numbered: /new starts the next
 * one, and the transcript is kept per conversation.
 */
public interface Conversations {
  /** One line of a transcript; {@code at} is when it was appended, by the store's clock. */
  record Line(String role, String text, Instant at) {}

  /** Tokens a session's turns consumed, as far as the backend reported them. */
  record Usage(long turns, long tokensIn, long tokensOut) {
    public static final Usage NONE = new Usage(0, 0, 0);
  }

  /**
   * What a turn reads before it starts: the session's conversation number, that conversation's
   * last visible lines (oldest first) and the session's own settings.
   */
  record TurnStart(int generation, List<Line> lastLines, Map<String, String> settings) {
    public TurnStart {
      lastLines = List.copyOf(lastLines);
      settings = Map.copyOf(settings);
    }
  }

  /** The current conversation number of a session; 0 for a session never reset. */
  int generation(String sessionKey);

  /**
   * Reads what a turn starts from, with the last {@code lastLines} (at least 1) lines. A store
   * on a database reads it in one transaction: three or four separate reads were a fifth of a
   * turn's transactions.
   */
  default TurnStart turnStart(String sessionKey, int lastLines) {
    int generation = generation(sessionKey);
    return new TurnStart(
        generation, lines(sessionKey, generation, lastLines), settings(sessionKey));
  }

  /** Starts the next conversation and returns its number. */
  int startNew(String sessionKey);

  void append(String sessionKey, int generation, String role, String text);

  /** The last {@code limit} visible lines of one conversation, oldest first. */
  List<Line> lines(String sessionKey, int generation, int limit);

  /**
   * Hides the conversation's last exchange: its last visible user line and everything after
   * it. Idempotent per {@code byKey}: once a command with that key hid an exchange, calling
   * again with the same key hides nothing and returns the same exchange.
   *
   * @return the hidden exchange's lines, oldest first; empty when there was nothing to hide
   */
  List<Line> hideLastExchange(String sessionKey, int generation, String byKey);

  /** A session's own setting (made with a command), if it has one. */
  Optional<String> setting(String sessionKey, String name);

  /** All of a session's own settings, by name. */
  Map<String, String> settings(String sessionKey);

  /** Sets a session's setting; {@code null} removes it. */
  void setSetting(String sessionKey, String name, @Nullable String value);

  /** Every session's value of one setting, by session key. */
  Map<String, String> settingsNamed(String name);

  /** Adds one turn's tokens to the conversation's count. */
  void addUsage(String sessionKey, int generation, long tokensIn, long tokensOut);

  /** Tokens of one conversation. */
  Usage usage(String sessionKey, int generation);

  /** Tokens of all of a session's conversations. */
  Usage totalUsage(String sessionKey);

  /**
   * Forgets at most {@code limit} transcript lines appended before {@code before}, in every
   * conversation, the oldest first (hidden lines too).
   *
   * @return how many were forgotten; fewer than {@code limit} means none is left to forget
   */
  int pruneLinesBefore(Instant before, int limit);

  /**
   * Forgets at most {@code limit} transcript lines that are not among the {@code keep} newest
   * of their conversation (hidden lines count), each conversation's oldest first.
   *
   * @return how many were forgotten; fewer than {@code limit} means none is left to forget
   */
  int pruneLinesBeyond(int keep, int limit);
}
