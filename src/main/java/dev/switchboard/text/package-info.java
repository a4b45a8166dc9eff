/**
 * The reply-text pipeline: an agent's Markdown is read once into a {@link
 * dev.switchboard.text.StyledText}, cut into messages that fit a platform's limit in the unit it
 * counts, and each message written in the platform's markup. Entry point: {@link
 * dev.switchboard.text.ReplyFormat}; a platform plugs in a {@link
 * dev.switchboard.text.MarkupRenderer} with its limit, {@link dev.switchboard.text.LengthUnit}
 * and {@link dev.switchboard.text.WhitespaceAtCuts}.
 *
 * <p>Rule: this package depends on nothing of the gateway's; platform markups live with their
 * adapters and implement its interface, except those several platforms share ({@link
 * dev.switchboard.text.CommonMark}, {@link dev.switchboard.text.HtmlText}, {@link
 * dev.switchboard.text.HtmlMarkup}).
 */
package dev.switchboard.text;
