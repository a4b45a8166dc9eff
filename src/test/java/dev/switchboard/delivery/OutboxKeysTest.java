package dev.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.ChatRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Two different messages never share an outbox key: the outbox would send only one of them. */
class OutboxKeysTest {
  @Test
  void aCommandsSecondReplyIsNotPartZeroOfTheFirstAttemptsReply() {
    String inbound = "telegram:1:10";
    String commandSecondReplyPart0 = OutboxKeys.part(OutboxKeys.commandReply(inbound, 1), 0);
    assertThat(commandSecondReplyPart0)
        .isNotEqualTo(OutboxKeys.firstReplyPart(inbound, 1))
        .isEqualTo("telegram:1:10:command:1:0");
  }

  @Test
  void theFirstPartOfAReplyIsItsPrefixAndZero() {
    assertThat(OutboxKeys.firstReplyPart("web:c:7", 2))
        .isEqualTo(OutboxKeys.replyPart(OutboxKeys.replyPrefix("web:c:7", 2), 0))
        .isEqualTo("web:c:7:reply:2:0");
  }

  @Property(tries = 200)
  void everyKeyOfOneMessageIsDistinct(
      @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 12) String chatId,
      @ForAll @NumericChars @StringLength(min = 1, max = 6) String messageId) {
    String inbound = "telegram:" + chatId + ":" + messageId;
    List<String> keys = new ArrayList<>();
    for (int attempt = 1; attempt <= 4; attempt++) {
      String prefix = OutboxKeys.replyPrefix(inbound, attempt);
      for (int part = 0; part < 4; part++) {
        keys.add(OutboxKeys.replyPart(prefix, part));
      }
      keys.add(OutboxKeys.replacementOfFirstPart(prefix));
      for (int n = 1; n <= 3; n++) {
        for (int part = 0; part < 3; part++) {
          keys.add(OutboxKeys.part(OutboxKeys.approvalQuestion(inbound, attempt, n), part));
          keys.add(OutboxKeys.part(OutboxKeys.approvalTimedOut(inbound, attempt, n), part));
        }
      }
    }
    for (int n = 0; n < 4; n++) {
      for (int part = 0; part < 4; part++) {
        keys.add(OutboxKeys.part(OutboxKeys.commandReply(inbound, n), part));
      }
    }
    for (OutboxKeys.Topic topic : OutboxKeys.Topic.values()) {
      for (int part = 0; part < 3; part++) {
        keys.add(OutboxKeys.part(OutboxKeys.about(inbound, topic), part));
      }
    }
    keys.add(OutboxKeys.part(
        OutboxKeys.restartDone(new ChatRef("telegram", chatId, null), messageId), 0));
    for (String key : List.copyOf(keys)) {
      keys.add(OutboxKeys.refusal(key));
      keys.add(OutboxKeys.undelivered(key));
      for (int n = 0; n < 3; n++) {
        keys.add(OutboxKeys.smallerPiece(key, n));
        keys.add(OutboxKeys.plainPiece(key, n));
      }
    }
    assertThat(new HashSet<>(keys)).hasSameSizeAs(keys);
  }
}
