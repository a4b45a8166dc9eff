package dev.switchboard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash soak of reliability/ in short, as CI runs it: the built gateway under a supervisor
 * that restarts it on every exit, killed with SIGKILL four times at random moments while four
 * chats ask questions of a streaming model; every answer arrives whole, none is shown twice
 * without the resend mark.
 */
class CrashSoakProcessIT {
  @TempDir
  Path dir;

  @Test
  void fourKillsUnderLoadLoseNoAnswerAndDuplicateNoneUnmarked() throws Exception {
    String jar = System.getProperty("switchboard.jar");
    assertThat(jar).as("run through Maven's verify phase").isNotNull();
    CrashSoakSettings settings = CrashSoakSettings.defaults(Path.of(jar), dir)
        .withKills(4)
        .withChats(4)
        // The settle time is the soak's default (120 s): it ends as soon as every answer is in,
        // and on a machine as busy as 2 cores under five builds an answer took up to 150 s.
        .withMaxUptime(Duration.ofSeconds(3));

    CrashSoakReport report = CrashSoak.run(settings, line -> {});

    String text = report.text();
    System.out.println(text);
    assertThat(report.abortedBecause()).as(text).isNull();
    assertThat(report.kills()).as(text).isEqualTo(4);
    assertThat(report.restarts()).as(text).isGreaterThanOrEqualTo(4);
    assertThat(report.questions()).as(text).isGreaterThan(0);
    assertThat(report.lost()).as(text).isZero();
    assertThat(report.unmarkedDuplicates()).as(text).isZero();
    assertThat(report.answeredCompletely()).as(text).isEqualTo(report.questions());
    // the answer is in the transcript before it is delivered, so no kill leaves a question
    // unanswered or answered twice in the history the next turn sends the model
    assertThat(report.historyFaults()).as(text).isEmpty();
    assertThat(report.unexpectedExits())
        .as("exits the soak did not cause\n" + text)
        .isEmpty();
    assertThat(report.exitCodeAfterSigterm()).as(text).isZero();
  }
}
