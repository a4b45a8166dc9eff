package dev.switchboard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.telegram.fake.BotMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crash soak's verdict reads a chat as its user would: these chats are written by hand, one
 * per outcome the soak must tell apart, so a verdict that miscounts fails here and not silently
 * in a soak that reports 0 lost.
 */
class SoakVerdictTest {
  private static final long CHAT = 7001;
  private static final String Q = Answers.questionId(1, 1);
  /** The tenth question: its answer takes two Telegram messages. */
  private static final String LONG = Answers.questionId(1, 10);

  private final List<BotMessage> chat = new ArrayList<>();
  private int nextId = 1;

  @Test
  void anAnswerShownOnceIsCompleteAndNoDuplicate() {
    Question q = ask(Q);
    bot(Answers.text(Q));

    SoakVerdict v = verdict(q);

    assertThat(v.answeredCompletely).isEqualTo(1);
    assertThat(v.lost).isZero();
    assertThat(v.unmarkedDuplicates).isZero();
    assertThat(v.partsTwiceUnmarked).isZero();
    assertThat(v.findings).isEmpty();
  }

  @Test
  void anAnswerShownTwiceWithoutTheMarkIsAnUnmarkedDuplicate() {
    Question q = ask(Q);
    bot(Answers.text(Q));
    bot(Answers.text(Q));

    SoakVerdict v = verdict(q);

    assertThat(v.answeredCompletely).isEqualTo(1);
    assertThat(v.unmarkedDuplicates).isEqualTo(1);
    assertThat(v.findings).extracting(SoakVerdict.Finding::kind).contains("unmarked duplicate");
  }

  @Test
  void aSecondCopyMarkedAsResentIsNoDuplicateButCountsAsAMarkedResend() {
    Question q = ask(Q);
    bot(Answers.text(Q));
    bot(ShownMessage.RESENT + "\n" + Answers.text(Q));

    SoakVerdict v = verdict(q);

    assertThat(v.unmarkedDuplicates).isZero();
    assertThat(v.partsTwiceUnmarked).isZero();
    assertThat(v.resentMessages).isEqualTo(1);
    assertThat(v.resentBesideAnUnmarkedCopy).isEqualTo(1);
  }

  @Test
  void aPreviewStillTypingIsNoAnswer() {
    Question q = ask(Q);
    List<String> lines = Answers.lines(Q);
    bot(String.join("\n", lines.subList(0, 2)) + " \u2026");

    SoakVerdict v = verdict(q);

    assertThat(v.lost).isEqualTo(1);
    assertThat(v.stalePreviews).isEqualTo(1);
    assertThat(v.findings).extracting(SoakVerdict.Finding::kind).contains("lost", "stale preview");
  }

  @Test
  void anAnswerMissingItsLastLineIsLost() {
    Question q = ask(Q);
    List<String> lines = Answers.lines(Q);
    bot(String.join("\n", lines.subList(0, lines.size() - 1)));

    assertThat(verdict(q).lost).isEqualTo(1);
  }

  @Test
  void aLongAnswerOverTwoMessagesIsShownOnceAndItsFirstPartTwiceUnmarkedIsCaught() {
    Question q = ask(LONG);
    List<String> lines = Answers.lines(LONG);
    String first = String.join("\n", lines.subList(0, 50));
    String second = String.join("\n", lines.subList(50, lines.size()));
    bot(first);
    bot(second);

    SoakVerdict once = verdict(q);
    assertThat(once.answeredCompletely).isEqualTo(1);
    assertThat(once.partsTwiceUnmarked).isZero();

    bot(first);
    SoakVerdict twice = verdict(q);
    assertThat(twice.unmarkedDuplicates).isZero();
    assertThat(twice.partsTwiceUnmarked).isEqualTo(1);
  }

  @Test
  void theMarkSentAloneMarksTheMessageAfterIt() {
    Question q = ask(LONG);
    List<String> lines = Answers.lines(LONG);
    String first = String.join("\n", lines.subList(0, 50));
    String second = String.join("\n", lines.subList(50, lines.size()));
    bot(first);
    bot(second);
    bot(ShownMessage.RESENT + ":");
    bot(first);

    SoakVerdict v = verdict(q);

    assertThat(v.partsTwiceUnmarked).isZero();
    assertThat(v.resentMessages).isEqualTo(1);
    assertThat(v.otherMessages).isEmpty();
  }

  @Test
  void aPreviewMarkedCutOffWithTheAnswerBelowIsAnsweredOnce() {
    Question q = ask(Q);
    bot("\u26a0\ufe0f " + ShownMessage.CUT_OFF + "; the full answer follows.");
    bot(Answers.text(Q));

    SoakVerdict v = verdict(q);

    assertThat(v.answeredCompletely).isEqualTo(1);
    assertThat(v.cutOffPreviews).isEqualTo(1);
    assertThat(v.stalePreviews).isZero();
    assertThat(v.otherMessages).isEmpty();
  }

  @Test
  void aLineThatNamesTheQuestionButIsNotItsAnswerIsGarbled() {
    Question q = ask(Q);
    bot(Answers.text(Q).replace("/", "/9"));

    SoakVerdict v = verdict(q);

    assertThat(v.lost).isEqualTo(1);
    assertThat(v.garbledLines).isEqualTo(Answers.lineCount(Q));
  }

  @Test
  void anAnswerShownBeforeItsQuestionDoesNotCount() {
    bot(Answers.text(Q));
    Question q = ask(Q);

    assertThat(verdict(q).lost).isEqualTo(1);
  }

  @Test
  void aMessageOfNoAnswerIsListedAsOther() {
    Question q = ask(Q);
    bot("\u23f3 Switchboard is restarting. I will answer this when it is back.");
    bot(Answers.text(Q));

    SoakVerdict v = verdict(q);

    assertThat(v.answeredCompletely).isEqualTo(1);
    assertThat(v.otherMessages).hasSize(1);
  }

  private Question ask(String id) {
    return new Question(CHAT, id, nextId++, System.nanoTime());
  }

  private void bot(String text) {
    chat.add(new BotMessage(
        CHAT, nextId++, null, text, List.of(), null, 0, List.of(text), null, Instant.EPOCH));
  }

  private SoakVerdict verdict(Question q) {
    SoakVerdict v = new SoakVerdict();
    v.add(List.of(q), chat);
    return v;
  }
}
