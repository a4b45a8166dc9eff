package dev.switchboard.platform.mattermost;

import dev.switchboard.text.CommonMark;
import java.util.regex.Pattern;

/**
 * Replies in the Markdown Mattermost renders itself (CommonMark with GitHub's tables and
 * strikethrough), written by {@link CommonMark}. Mattermost has no way to send a post that pings
 * nobody, so the words that ping a whole channel ({@code @channel}, {@code @all}, {@code @here})
 * get a zero-width space after their {@code @} in literal text: they read the same and notify no
 * one. A mention of one person still notifies that person, as a person's own post would; the
 * server ignores mentions inside code, which is left as written.
 */
final class MattermostMarkdown {
  /**
   * Mattermost's channel-wide mentions. Followed by punctuation ({@code @all-hands}) the server
   * may still read one, so only a letter or digit after it makes it another word.
   */
  private static final Pattern GROUP_MENTION =
      Pattern.compile("(?<![\\w@])@(channel|all|here)(?!\\w)", Pattern.CASE_INSENSITIVE);

  private static final String ZERO_WIDTH_SPACE = "\u200B";

  static final CommonMark RENDERER =
      new CommonMark(MattermostMarkdown::guarded, MattermostMarkdown::withoutGuards);

  private MattermostMarkdown() {}

  /** {@code text} with its channel-wide mentions kept from pinging. */
  static String guarded(String text) {
    return GROUP_MENTION.matcher(text).replaceAll("@" + ZERO_WIDTH_SPACE + "$1");
  }

  private static String withoutGuards(String text) {
    return text.replace("@" + ZERO_WIDTH_SPACE, "@");
  }
}
