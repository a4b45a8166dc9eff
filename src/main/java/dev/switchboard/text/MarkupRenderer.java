package dev.switchboard.text;

/**
 * Writes a reply, or a piece of one, in a platform's markup. Each piece is rendered on its own,
 * so what a cut goes through (a style, a link, a code block) is closed at the end of one
 * message and opened again, with its language, at the start of the next.
 *
 * <p>The splitter finds the longest piece that fits by halving, so it takes a rendering to be
 * no shorter than the text it shows and a longer piece to render no shorter; it checks every
 * message it makes all the same, so a markup that breaks this costs shorter messages, never
 * one over the limit.
 */
public interface MarkupRenderer {
  String render(StyledText piece);

  /**
   * The part of a rendered message that the platform counts towards its length limit: all of
   * it, unless the platform counts only the text its markup shows (Telegram).
   */
  default String counted(String rendered) {
    return rendered;
  }
}
