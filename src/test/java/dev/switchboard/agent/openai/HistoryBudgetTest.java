package dev.switchboard.agent.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.agent.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryBudgetTest {
  private static ChatMessage user(String text) {
    return new ChatMessage(ChatMessage.USER, text);
  }

  @Test
  void aMessageCostsAQuarterOfItsUtf8BytesRoundedUpPlusFour() {
    assertThat(HistoryBudget.estimate("")).isEqualTo(4);
    assertThat(HistoryBudget.estimate("abcd")).isEqualTo(5);
    assertThat(HistoryBudget.estimate("abcde")).isEqualTo(6);
    assertThat(HistoryBudget.estimate("\u00e9\u00e9\u00e9")).isEqualTo(6); // 6 bytes
  }

  @Test
  void everythingIsKeptWhenItFits() {
    List<ChatMessage> history = List.of(user("a"), user("b"));

    assertThat(HistoryBudget.fit("sys", history, "now", 1000)).isEqualTo(history);
  }

  @Test
  void theOldestMessagesGoFirstAndTheTailStaysContiguous() {
    ChatMessage big = user("x".repeat(400)); // 104
    ChatMessage small = user("s"); // 5
    ChatMessage newest = user("n"); // 5
    // system 5 + current 5 + newest 5 = 15; 100 left: big does not fit, so small (older) goes too
    List<ChatMessage> kept = HistoryBudget.fit("sys", List.of(small, big, newest), "now", 115);

    assertThat(kept).containsExactly(newest);
  }

  @Test
  void nothingOfTheHistoryIsSentWhenTheCurrentMessageFillsTheBudget() {
    assertThat(HistoryBudget.fit(null, List.of(user("a")), "y".repeat(4000), 256))
        .isEmpty();
  }
}
