package dev.switchboard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The soak's answers: what the model streams is the answer, and one in ten needs two messages. */
class AnswersTest {
  @Test
  void theStreamedPiecesJoinIntoTheWholeAnswer() {
    for (int n = 1; n <= 20; n++) {
      String id = Answers.questionId(3, n);
      assertThat(String.join("", Answers.deltas(id))).isEqualTo(Answers.text(id));
    }
  }

  @Test
  void everyTenthAnswerIsTooLongForOneTelegramMessageAndTheOthersFit() {
    assertThat(Answers.text(Answers.questionId(1, 10))).hasSizeGreaterThan(4096);
    assertThat(Answers.text(Answers.questionId(1, 9))).hasSizeLessThan(4096);
  }

  @Test
  void theModelFindsTheQuestionInTheUsersText() {
    String id = Answers.questionId(12, 345);
    assertThat(Answers.idIn(Answers.question(id))).contains(id);
  }
}
