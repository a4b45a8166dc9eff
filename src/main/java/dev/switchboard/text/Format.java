package dev.switchboard.text;

import org.jspecify.annotations.Nullable;

/**
 * How one stretch of visible text is shown. Inline code and preformatted blocks carry no bold,
 * italic or strike: Telegram refuses styles around code, and the model holds only what every
 * platform can show. A heading is a bold line, on every platform.
 *
 * @param href target of the link around the text, or null
 * @param pre null outside a code block; the block's language inside one, "" when it has none
 */
public record Format(
    boolean bold,
    boolean italic,
    boolean strike,
    boolean code,
    boolean quote,
    @Nullable String href,
    @Nullable String pre) {
  public static final Format PLAIN = new Format(false, false, false, false, false, null, null);

  Format withBold() {
    return new Format(true, italic, strike, code, quote, href, pre);
  }

  Format withItalic() {
    return new Format(bold, true, strike, code, quote, href, pre);
  }

  Format withStrike() {
    return new Format(bold, italic, true, code, quote, href, pre);
  }

  Format withQuote() {
    return new Format(bold, italic, strike, code, true, href, pre);
  }

  Format withLink(@Nullable String url) {
    return new Format(bold, italic, strike, code, quote, url, pre);
  }

  /** Inline code; inside a link the text stays link text, since links cannot contain code. */
  Format inlineCode() {
    return href != null ? this : new Format(false, false, false, true, quote, null, null);
  }

  public static Format codeBlock(@Nullable String language) {
    return new Format(false, false, false, false, false, null, language);
  }
}
