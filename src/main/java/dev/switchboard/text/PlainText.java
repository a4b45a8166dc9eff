package dev.switchboard.text;

/**
 * Text with no markup: what a reader sees, markers and styles gone. Of text taken as it is
 * ({@link StyledText#plain}), this is the text itself, which is what the web chat and the API
 * show today.
 */
public final class PlainText implements MarkupRenderer {
  @Override
  public String render(StyledText piece) {
    return piece.text();
  }
}
