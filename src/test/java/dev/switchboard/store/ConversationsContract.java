package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.switchboard.store.Conversations.Line;
import dev.switchboard.store.Conversations.Usage;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link Conversations}: numbered conversations, their transcripts, settings and tokens. */
abstract class ConversationsContract extends StorePartContract {
  private Conversations conversations() {
    return store.conversations();
  }

  private void appendAll(String session, int generation, String... roleText) {
    for (String rt : roleText) {
      int colon = rt.indexOf(':');
      conversations().append(session, generation, rt.substring(0, colon), rt.substring(colon + 1));
    }
  }

  @Test
  void aSessionNeverResetIsInItsConversationZero() {
    assertThat(conversations().generation("telegram:1")).isZero();
  }

  @Test
  void startNewNumbersTheConversationsOfEachSession() {
    assertThat(conversations().startNew("s")).isEqualTo(1);
    assertThat(conversations().startNew("s")).isEqualTo(2);
    assertThat(conversations().generation("s")).isEqualTo(2);

    assertThat(conversations().generation("t")).isZero();
    assertThat(conversations().startNew("t")).isEqualTo(1);
    assertThat(conversations().generation("s")).isEqualTo(2);
  }

  @Test
  void linesAreKeptPerConversationOldestFirstWithTheTimeTheyWereAppended() {
    conversations().append("s", 1, "user", "hi");
    clock.advance(Duration.ofMillis(1500));
    conversations().append("s", 1, "assistant", "hello");
    conversations().append("s", 0, "user", "old");
    conversations().append("t", 1, "user", "someone else");

    assertThat(conversations().lines("s", 1, 10))
        .containsExactly(
            new Line("user", "hi", T0), new Line("assistant", "hello", T0.plusMillis(1500)));
    assertThat(conversations().lines("s", 0, 10)).extracting(Line::text).containsExactly("old");
    assertThat(conversations().lines("s", 2, 10)).isEmpty();
    assertThat(conversations().lines("nobody", 0, 10)).isEmpty();
  }

  @Test
  void aTurnStartsFromTheCurrentConversationsLastLinesAndTheSessionsSettings() {
    appendAll("s", 0, "user:old");
    assertThat(conversations().startNew("s")).isEqualTo(1);
    appendAll("s", 1, "user:1", "assistant:2", "user:3");
    conversations().setSetting("s", "model", "m1");
    conversations().setSetting("t", "model", "someone else's");

    Conversations.TurnStart start = conversations().turnStart("s", 2);
    assertThat(start.generation()).isEqualTo(1);
    assertThat(start.lastLines()).extracting(Line::text).containsExactly("2", "3");
    assertThat(start.settings()).containsExactly(entry("model", "m1"));

    Conversations.TurnStart fresh = conversations().turnStart("nobody", 1);
    assertThat(fresh.generation()).isZero();
    assertThat(fresh.lastLines()).isEmpty();
    assertThat(fresh.settings()).isEmpty();
  }

  @Test
  void theLimitKeepsTheNewestLines() {
    appendAll("s", 0, "user:1", "assistant:2", "user:3", "assistant:4", "user:5");

    assertThat(conversations().lines("s", 0, 2)).extracting(Line::text).containsExactly("4", "5");
    assertThat(conversations().lines("s", 0, 1)).extracting(Line::text).containsExactly("5");
    assertThat(conversations().lines("s", 0, 5)).hasSize(5);
    assertThat(conversations().lines("s", 0, 50))
        .extracting(Line::text)
        .containsExactly("1", "2", "3", "4", "5");
    assertThat(conversations().lines("s", 0, 0)).isEmpty();
  }

  @Test
  void hidingTheLastExchangeIsIdempotentPerCommand() {
    appendAll("s", 0, "user:one", "assistant:done one", "user:two", "assistant:done two");

    assertThat(conversations().hideLastExchange("s", 0, "undo-1"))
        .extracting(Line::text)
        .containsExactly("two", "done two");
    // the same command run again (a replay after a crash) hides nothing more
    assertThat(conversations().hideLastExchange("s", 0, "undo-1"))
        .extracting(Line::text)
        .containsExactly("two", "done two");
    assertThat(conversations().lines("s", 0, 10))
        .extracting(Line::text)
        .containsExactly("one", "done one");

    assertThat(conversations().hideLastExchange("s", 0, "undo-2"))
        .extracting(Line::text)
        .containsExactly("one", "done one");
    assertThat(conversations().hideLastExchange("s", 0, "undo-3")).isEmpty();
    assertThat(conversations().lines("s", 0, 10)).isEmpty();
  }

  @Test
  void theHiddenExchangeIsTheLastUserLineAndEverythingAfterIt() {
    appendAll(
        "s",
        0,
        "user:one",
        "assistant:done one",
        "user:two",
        "assistant:part a",
        "assistant:part b");

    assertThat(conversations().hideLastExchange("s", 0, "undo"))
        .containsExactly(
            new Line("user", "two", T0),
            new Line("assistant", "part a", T0),
            new Line("assistant", "part b", T0));
    assertThat(conversations().lines("s", 0, 10))
        .extracting(Line::text)
        .containsExactly("one", "done one");
  }

  @Test
  void aReplayedHideIgnoresLinesAppendedSince() {
    appendAll("s", 0, "user:one", "assistant:done one", "user:two", "assistant:done two");
    conversations().hideLastExchange("s", 0, "undo-1");
    appendAll("s", 0, "user:three", "assistant:done three");

    assertThat(conversations().hideLastExchange("s", 0, "undo-1"))
        .extracting(Line::text)
        .containsExactly("two", "done two");
    assertThat(conversations().lines("s", 0, 10))
        .extracting(Line::text)
        .containsExactly("one", "done one", "three", "done three");
  }

  @Test
  void withoutAUserLineThereIsNothingToHide() {
    appendAll("s", 0, "assistant:a notice");

    assertThat(conversations().hideLastExchange("s", 0, "undo")).isEmpty();
    assertThat(conversations().hideLastExchange("empty", 0, "undo")).isEmpty();
    assertThat(conversations().lines("s", 0, 10))
        .extracting(Line::text)
        .containsExactly("a notice");
  }

  @Test
  void hidingTouchesOnlyItsOwnConversation() {
    appendAll("s", 0, "user:old", "assistant:done old");
    appendAll("s", 1, "user:new", "assistant:done new");
    appendAll("t", 1, "user:theirs", "assistant:done theirs");

    assertThat(conversations().hideLastExchange("s", 1, "undo"))
        .extracting(Line::text)
        .containsExactly("new", "done new");
    assertThat(conversations().lines("s", 0, 10))
        .extracting(Line::text)
        .containsExactly("old", "done old");
    assertThat(conversations().lines("t", 1, 10))
        .extracting(Line::text)
        .containsExactly("theirs", "done theirs");
    assertThat(conversations().hideLastExchange("s", 0, "undo"))
        .as("the same key elsewhere")
        .extracting(Line::text)
        .containsExactly("old", "done old");
  }

  @Test
  void aSessionKeepsItsOwnSettings() {
    conversations().setSetting("s", "model", "llama3.2");
    conversations().setSetting("s", "model", "qwen2.5");
    conversations().setSetting("s", "busy_policy", "queue");
    conversations().setSetting("t", "busy_policy", "interrupt");

    assertThat(conversations().setting("s", "model")).hasValue("qwen2.5");
    assertThat(conversations().setting("t", "model")).isEmpty();
    assertThat(conversations().settings("s"))
        .containsExactly(entry("busy_policy", "queue"), entry("model", "qwen2.5"));
    assertThat(conversations().settings("nobody")).isEmpty();
  }

  @Test
  void oneSettingOfEverySessionComesBySessionKey() {
    conversations().setSetting("u", "busy_policy", "queue");
    conversations().setSetting("s", "busy_policy", "interrupt");
    conversations().setSetting("t", "model", "qwen2.5");

    assertThat(conversations().settingsNamed("busy_policy"))
        .containsExactly(entry("s", "interrupt"), entry("u", "queue"));
    assertThat(conversations().settingsNamed("tools")).isEmpty();
  }

  @Test
  void aNullValueRemovesTheSetting() {
    conversations().setSetting("s", "model", "qwen2.5");
    conversations().setSetting("s", "busy_policy", "queue");

    conversations().setSetting("s", "model", null);
    conversations().setSetting("s", "never_set", null);

    assertThat(conversations().setting("s", "model")).isEmpty();
    assertThat(conversations().settings("s")).containsExactly(entry("busy_policy", "queue"));
    assertThat(conversations().settingsNamed("model")).isEmpty();
  }

  @Test
  void tokensAreCountedPerConversationAndInTotal() {
    conversations().addUsage("s", 0, 100, 10);
    conversations().addUsage("s", 0, 50, 5);
    conversations().addUsage("s", 1, 7, 3);
    conversations().addUsage("t", 0, 1000, 1000);

    assertThat(conversations().usage("s", 0)).isEqualTo(new Usage(2, 150, 15));
    assertThat(conversations().usage("s", 1)).isEqualTo(new Usage(1, 7, 3));
    assertThat(conversations().totalUsage("s")).isEqualTo(new Usage(3, 157, 18));
  }

  @Test
  void aTurnThatReportedNoTokensStillCountsAsATurn() {
    conversations().addUsage("s", 0, 0, 0);

    assertThat(conversations().usage("s", 0)).isEqualTo(new Usage(1, 0, 0));
  }

  @Test
  void noTokensAreNoUsage() {
    conversations().addUsage("s", 0, 100, 10);

    assertThat(conversations().usage("nobody", 0)).isEqualTo(Usage.NONE);
    assertThat(conversations().usage("s", 2)).isEqualTo(Usage.NONE);
    assertThat(conversations().totalUsage("nobody")).isEqualTo(Usage.NONE);
  }

  @Test
  void sessionKeysAreOpaque() {
    conversations().addUsage("s", 0, 1, 1);
    conversations().addUsage("s#1", 0, 100, 100);
    conversations().setSetting("s", "model", "a");
    conversations().setSetting("s#1", "model", "b");
    conversations().append("s#1", 0, "user", "not in s");

    assertThat(conversations().totalUsage("s")).isEqualTo(new Usage(1, 1, 1));
    assertThat(conversations().settings("s")).containsExactly(entry("model", "a"));
    assertThat(conversations().lines("s", 0, 10)).isEmpty();
  }

  @Test
  void pruningByAgeForgetsOldLinesInEveryConversationAndKeepsTheRest() {
    appendAll("s", 0, "user:old s0", "assistant:old answer");
    appendAll("t", 1, "user:old t1");
    conversations().hideLastExchange("t", 1, "undo");
    clock.advance(Duration.ofDays(91));
    appendAll("s", 0, "user:new s0");
    appendAll("s", 1, "user:new s1");
    Instant cutOff = clock.instant().minus(Duration.ofDays(90));

    assertThat(conversations().pruneLinesBefore(cutOff, 100))
        .as("hidden lines go too")
        .isEqualTo(3);

    assertThat(conversations().lines("s", 0, 10)).extracting(Line::text).containsExactly("new s0");
    assertThat(conversations().lines("s", 1, 10)).extracting(Line::text).containsExactly("new s1");
    assertThat(conversations().lines("t", 1, 10)).isEmpty();
    assertThat(conversations().hideLastExchange("t", 1, "undo"))
        .as("what the undo hid is gone")
        .isEmpty();
    assertThat(conversations().pruneLinesBefore(cutOff, 100)).isZero();
  }

  @Test
  void pruningByAgeTakesAtMostTheLimitTheOldestFirst() {
    for (int i = 0; i < 5; i++) {
      conversations().append(i % 2 == 0 ? "s" : "t", 0, "user", "line " + i);
      clock.advance(Duration.ofMinutes(1));
    }

    assertThat(conversations().pruneLinesBefore(clock.instant(), 3)).isEqualTo(3);
    assertThat(conversations().lines("s", 0, 10)).extracting(Line::text).containsExactly("line 4");
    assertThat(conversations().lines("t", 0, 10)).extracting(Line::text).containsExactly("line 3");
    assertThat(conversations().pruneLinesBefore(clock.instant(), 3)).isEqualTo(2);
  }

  @Test
  void pruningByCountKeepsTheNewestLinesOfEachConversation() {
    appendAll("s", 0, "user:1", "assistant:2", "user:3", "assistant:4", "user:5");
    appendAll("s", 1, "user:a", "assistant:b", "user:c");
    appendAll("t", 0, "user:only", "assistant:two");

    assertThat(conversations().pruneLinesBeyond(2, 100)).isEqualTo(4);

    assertThat(conversations().lines("s", 0, 10)).extracting(Line::text).containsExactly("4", "5");
    assertThat(conversations().lines("s", 1, 10)).extracting(Line::text).containsExactly("b", "c");
    assertThat(conversations().lines("t", 0, 10))
        .extracting(Line::text)
        .containsExactly("only", "two");
    assertThat(conversations().pruneLinesBeyond(2, 100)).isZero();
  }

  @Test
  void pruningByCountCountsHiddenLinesAndTakesAtMostTheLimit() {
    appendAll("s", 0, "user:1", "assistant:2", "user:3", "assistant:4");
    conversations().hideLastExchange("s", 0, "undo");

    assertThat(conversations().pruneLinesBeyond(2, 1)).isOne();
    assertThat(conversations().lines("s", 0, 10)).extracting(Line::text).containsExactly("2");
    assertThat(conversations().pruneLinesBeyond(2, 1)).isOne();
    assertThat(conversations().lines("s", 0, 10)).isEmpty();
    assertThat(conversations().hideLastExchange("s", 0, "undo"))
        .as("the newest two, hidden, are kept")
        .extracting(Line::text)
        .containsExactly("3", "4");
    assertThat(conversations().pruneLinesBeyond(2, 1)).isZero();
  }
}
