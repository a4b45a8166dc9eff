package dev.switchboard.platform.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A plain-text reply without the mail it quotes. */
class QuotedTextTest {

  @Test
  void cutsAtOnWrote() {
    String reply = """
        Sounds good, go ahead.

        On Mon, 1 Dec 2026 at 10:00, Alice <a@x.com> wrote:
        > Shall I deploy?
        > Thanks
        """;
    assertThat(QuotedText.cut(reply)).isEqualTo("Sounds good, go ahead.");
  }

  @Test
  void cutsAtOnWroteWrappedOverTwoLines() {
    String reply = """
        Sounds good.
        Best, Bob

        On Mon, 1 Dec 2026 at 10:00, Alice <a@x.com>
        wrote:
        > Shall I deploy?
        """;
    assertThat(QuotedText.cut(reply)).isEqualTo("Sounds good.\nBest, Bob");
  }

  @Test
  void cutsAtOriginalMessage() {
    String reply = """
        Yes.

        -----Original Message-----
        From: Alice <a@x.com>
        Subject: deploy?

        Shall I deploy?
        """;
    assertThat(QuotedText.cut(reply)).isEqualTo("Yes.");
  }

  @Test
  void cutsAtAnOutlookReplyHeader() {
    String reply = """
        No, wait until Monday.

        From: Alice <a@x.com>
        Sent: Monday, December 1, 2026 10:00 AM
        To: Bob <b@x.com>
        Subject: deploy?

        Shall I deploy?
        """;
    assertThat(QuotedText.cut(reply)).isEqualTo("No, wait until Monday.");
  }

  @Test
  void aFromLineAloneIsNoReplyHeader() {
    String text = "From: the team\nWe are moving offices.";
    assertThat(QuotedText.cut(text)).isEqualTo(text);
  }

  @Test
  void trailingQuotedLinesAreRemoved() {
    String reply = "Agreed.\n\n> earlier point\n>\n> more of it\n";
    assertThat(QuotedText.cut(reply)).isEqualTo("Agreed.");
  }

  @Test
  void quotedLinesBetweenAnswersAreKept() {
    String reply = "> first question\nfirst answer\n> second question\nsecond answer";
    assertThat(QuotedText.cut(reply)).isEqualTo(reply);
  }

  @Test
  void aTextThatIsOnlyAQuoteIsKeptWhole() {
    String reply = "\n> only quoted\n> nothing else\n";
    assertThat(QuotedText.cut(reply)).isEqualTo("> only quoted\n> nothing else");
    String header = "On Mon, 1 Dec 2026 at 10:00, Alice <a@x.com> wrote:\n> hi";
    assertThat(QuotedText.cut(header)).isEqualTo(header);
  }

  @Test
  void aTextWithoutAQuoteIsOnlyStripped() {
    assertThat(QuotedText.cut("  \nHello,\n\nplease restart the job.\n\n"))
        .isEqualTo("Hello,\n\nplease restart the job.");
    assertThat(QuotedText.cut("")).isEmpty();
  }
}
