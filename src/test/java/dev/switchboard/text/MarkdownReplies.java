package dev.switchboard.text;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Markdown-ish replies for the properties of every platform's reply format: words, long words,
 * spaces, runs of newlines, emoji (surrogate pairs, flags, ZWJ sequences), CJK, HTML-looking
 * text, every Markdown marker matched and unmatched, links, bare URLs and code fences, now and
 * then a code block far longer than any message.
 */
public final class MarkdownReplies {
  private MarkdownReplies() {}

  public static Arbitrary<String> replies() {
    Arbitrary<String> words =
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> styled = Combinators.combine(
            Arbitraries.of("**", "__", "*", "_", "~~", "`", "***"),
            words.list().ofMinSize(1).ofMaxSize(4))
        .as((marker, inner) -> marker + String.join(" ", inner) + marker);
    Arbitrary<String> piece = Arbitraries.frequencyOf(
        Tuple.of(10, words),
        Tuple.of(
            1, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(20).ofMaxLength(90)),
        Tuple.of(8, Arbitraries.just(" ")),
        Tuple.of(4, Arbitraries.just("\n")),
        Tuple.of(2, Arbitraries.of("\n\n", "\n\n\n\n\n\n", "\n \n", "   ", "\t")),
        Tuple.of(
            3,
            Arbitraries.of(
                "\uD83D\uDE00",
                "\uD83D\uDC4D\uD83C\uDFFD",
                "\uD83C\uDDE9\uD83C\uDDEA",
                "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
                "\uD834\uDD1E",
                "\u00e9",
                "e\u0301")),
        Tuple.of(2, Arbitraries.of("\u4e2d\u6587", "\u65e5\u672c\u8a9e", "\ud55c\uad6d\uc5b4")),
        Tuple.of(
            3,
            Arbitraries.of(
                "<",
                ">",
                "&",
                "&amp;",
                "&lt;",
                "<b>",
                "</i>",
                "\"",
                "'",
                "&#60;",
                "<script>",
                "a<b",
                "AT&T")),
        Tuple.of(
            6,
            Arbitraries.of(
                "*",
                "**",
                "***",
                "_",
                "__",
                "~~",
                "~",
                "`",
                "``",
                "[",
                "]",
                "(",
                ")",
                "\\",
                "\\*",
                "#",
                "\n> ",
                "\n# ",
                "\n## ",
                "\n>",
                "snake_case_name",
                "__init__",
                "2 * 3",
                "\n- ",
                "\n1. ")),
        Tuple.of(4, styled),
        Tuple.of(
            2,
            Arbitraries.of(
                "\n```\n",
                "\n```python\n",
                "```",
                "\n```\"><x\n",
                "\n  ```sh\n",
                "\n```\n\n```\n")),
        Tuple.of(
            2,
            Arbitraries.of(
                "[link](https://x.test/a_b?q=\"1\"&r=<2>)",
                "https://x.test/a_(b)_c",
                "[x](http://x.test/(y))",
                "[**b** `c`](https://x.test)",
                "(see https://x.test/a_b_)")),
        Tuple.of(1, Arbitraries.of("\u00a0", "\u200b", "\u2800", "\u3000", "\r\n")));
    Arbitrary<String> reply = piece.list().ofMaxSize(150).map(parts -> String.join("", parts));
    return Arbitraries.frequencyOf(
        Tuple.of(8, reply),
        Tuple.of(1, reply.list().ofMinSize(2).ofMaxSize(40).map(parts -> String.join("", parts))),
        Tuple.of(
            1,
            reply.map(r -> r + "\n```js\n" + "let a = b < c && d;\n".repeat(300) + "```\n" + r)));
  }

  /**
   * A reply around one code block in JavaScript longer than most limits: prose with no
   * backticks (so that no other fence can swallow the block), the block, prose again.
   */
  public static Arbitrary<String> aroundALongCodeBlock() {
    Arbitrary<String> prose = replies().map(r -> r.replace('`', '\''));
    Arbitrary<String> code = Arbitraries.of(
            "let a = b < c && d;",
            "  if (x) { y(); }",
            "",
            "return \"**not bold**\";",
            "// a_b_c <tag> & more")
        .list()
        .ofMinSize(1)
        .ofMaxSize(120)
        .map(lines -> String.join("\n", lines));
    return Combinators.combine(prose, code, prose)
        .as((before, block, after) -> before + "\n```js\n" + block + "\n```\n" + after);
  }

  /**
   * The characters of {@code text} but whitespace and {@code dropped}, in order: how replies
   * are compared where cuts may drop whitespace and a reader can tell some characters from
   * markup only as the platform would.
   */
  public static String withoutWhitespaceAnd(String dropped, String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .filter(cp -> !Character.isWhitespace(cp) && dropped.indexOf(cp) < 0)
        .forEach(out::appendCodePoint);
    return out.toString();
  }
}
