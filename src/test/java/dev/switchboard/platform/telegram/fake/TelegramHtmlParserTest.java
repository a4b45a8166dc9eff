package dev.switchboard.platform.telegram.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.Entity;
import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.ParseException;
import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.Parsed;
import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.Strictness;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Telegram's HTML style. Most inputs and expected results are TDLib's own parse_html test
 * cases (🏟 is 4 UTF-8 bytes and 2 UTF-16 units, ➡️ is 6 bytes and 2 units).
 */
class TelegramHtmlParserTest {

  private static Parsed parse(String html) {
    return TelegramHtmlParser.parse(html);
  }

  private static Parsed lenient(String html) {
    return TelegramHtmlParser.parse(html, Strictness.TELEGRAM);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "🏟 🏟&lt;<abacaba | Unclosed start tag at byte offset 13",
        "🏟 🏟&lt;<abac aba> | Unsupported start tag \"abac\" at byte offset 13",
        "🏟 🏟&lt;<abac> | Unsupported start tag \"abac\" at byte offset 13",
        "🏟 🏟&lt;<i   =aba> | Empty attribute name in the tag \"i\" at byte offset 13",
        "🏟 🏟&lt;<i    aba> | Can't find end tag corresponding to start tag \"i\"",
        "`🏟 🏟&lt;<i    aba  =  ` | Unclosed start tag \"i\" at byte offset 13",
        "`🏟 🏟&lt;<i    aba  =  190azAz-.,` | Unexpected end of name token at byte offset 27",
        "🏟 🏟&lt;<i    aba  =  \"&lt;&gt;&quot;> | Unclosed start tag at byte offset 13",
        "🏟 🏟&lt;<i    aba  =  '&lt;&gt;&quot;> | Unclosed start tag at byte offset 13",
        "🏟 🏟&lt;</ | Unexpected end tag at byte offset 13",
        "🏟 🏟&lt;<b></b></ | Unexpected end tag at byte offset 20",
        "`🏟 🏟&lt;<i>a</i   ` | Unclosed end tag at byte offset 17",
        "🏟 🏟&lt;<i>a</em   > | Unmatched end tag at byte offset 17, expected \"</i>\","
            + " found \"</em>\"",
        "<b>bold | Can't find end tag corresponding to start tag \"b\"",
        "<div>x</div> | Unsupported start tag \"div\" at byte offset 0",
        "héllo <div>x</div> | Unsupported start tag \"div\" at byte offset 7",
        "a < b | Unsupported start tag \"\" at byte offset 2",
        "1 <2 | Unclosed start tag at byte offset 2",
        "<br/> | Unsupported start tag \"br/\" at byte offset 0",
        "<b><i>x</b></i> | Unmatched end tag at byte offset 7, expected \"</i>\", found \"</b>\"",
        "</b> | Unexpected end tag at byte offset 0",
        "<span>x</span> | Tag \"span\" must have class \"tg-spoiler\" at byte offset 0",
        "<span class=\"tg-other\">x</span> | Tag \"span\" must have class \"tg-spoiler\""
            + " at byte offset 0",
        "<tg-emoji emoji-id=\"abc\">👍</tg-emoji> | Invalid custom emoji identifier specified",
        "<tg-emoji>👍</tg-emoji> | Invalid custom emoji identifier specified",
      })
  void rejectsWhatTelegramRejects(String html, String message) {
    assertThatThrownBy(() -> parse(html)).isInstanceOf(ParseException.class).hasMessage(message);
    assertThatThrownBy(() -> lenient(html)).isInstanceOf(ParseException.class).hasMessage(message);
  }

  @Test
  void rejectsNullBytesAndDecodedSurrogates() {
    assertThatThrownBy(() -> parse("a\0b")).hasMessage("Text must not contain null bytes");
    String surrogates = "Text contains invalid Unicode characters after decoding HTML entities,"
        + " check for unmatched surrogate code units";
    assertThatThrownBy(() -> parse("&#57311;")).hasMessage(surrogates);
    assertThatThrownBy(() -> parse("&#xDFDF;")).hasMessage(surrogates);
    assertThatThrownBy(() -> lenient("&#xDFDF")).hasMessage(surrogates);
  }

  @Test
  void emptyAndPlainText() {
    assertThat(parse("")).isEqualTo(new Parsed("", List.of()));
    assertThat(parse("➡️ ➡️").text()).isEqualTo("➡️ ➡️");
    assertThat(parse("a > b").text()).isEqualTo("a > b");
    assertThat(parse("x\n\ty").text()).isEqualTo("x\n\ty");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "i, italic",
        "em, italic",
        "b, bold",
        "strong, bold",
        "u, underline",
        "ins, underline",
        "s, strikethrough",
        "strike, strikethrough",
        "del, strikethrough",
        "tg-spoiler, spoiler",
        "blockquote, blockquote"
      })
  void everySimpleTagCountsInUtf16Units(String tagAndType) {
    String tag = tagAndType.split(", ")[0];
    String type = tagAndType.split(", ")[1];
    Parsed p = parse("➡️ ➡️<" + tag + ">➡️ ➡️</" + tag + ">");
    assertThat(p.text()).isEqualTo("➡️ ➡️➡️ ➡️");
    assertThat(p.entities()).containsExactly(Entity.of(type, 5, 5));
  }

  @Test
  void surrogatePairsCountTwice() {
    Parsed p = parse("😀 <b>hi</b> 👍🏽<i>!</i>");
    assertThat(p.text()).isEqualTo("😀 hi 👍🏽!");
    assertThat(p.entities()).containsExactly(Entity.of("bold", 3, 2), Entity.of("italic", 10, 1));
  }

  @Test
  void numericReferencesDecode() {
    Parsed p = parse("<b>&#x1F600;</b>&#65;&#x42;&lt;&gt;&amp;&quot;");
    assertThat(p.text()).isEqualTo("😀AB<>&\"");
    assertThat(p.entities()).containsExactly(Entity.of("bold", 0, 2));
  }

  @Test
  void entitiesAreSortedByOffsetLengthAndPriority() {
    assertThat(parse("<code><i><b> </b></i></code><i><b><code> </code></b></i>").entities())
        .containsExactly(
            Entity.of("code", 0, 1),
            Entity.of("bold", 0, 1),
            Entity.of("italic", 0, 1),
            Entity.of("code", 1, 1),
            Entity.of("bold", 1, 1),
            Entity.of("italic", 1, 1));
    assertThat(parse("<i><b> </b> <code> </code></i>").entities())
        .containsExactly(
            Entity.of("italic", 0, 3), Entity.of("bold", 0, 1), Entity.of("code", 2, 1));
  }

  @Test
  void emptyElementsMakeNoEntityAndTagsAreCaseInsensitive() {
    assertThat(parse("🏟 🏟&lt;<b></b>")).isEqualTo(new Parsed("🏟 🏟<", List.of()));
    assertThat(parse("<B>x</b><I>y</I>").entities())
        .containsExactly(Entity.of("bold", 0, 1), Entity.of("italic", 1, 1));
  }

  @Test
  void attributesAndShortEndTags() {
    assertThat(parse("🏟 🏟&lt;<i    aba  =  190azAz-.   >a</i>"))
        .isEqualTo(new Parsed("🏟 🏟<a", List.of(Entity.of("italic", 6, 1))));
    assertThat(parse("🏟 🏟&lt;<i    aba  =  \"&lt;&gt;&quot;\">a</i>").entities())
        .containsExactly(Entity.of("italic", 6, 1));
    assertThat(parse("🏟 🏟&lt;<i>🏟 🏟&lt;</>").entities())
        .containsExactly(Entity.of("italic", 6, 6));
    assertThat(parse("🏟 🏟&lt;<i>a</i   >").entities()).containsExactly(Entity.of("italic", 6, 1));
    assertThat(parse("<b aba   =   caba>x</b>").entities())
        .containsExactly(Entity.of("bold", 0, 1));
  }

  @Test
  void links() {
    assertThat(parse("<a href=telegram.org>\t</a>").entities())
        .containsExactly(Entity.textLink(0, 1, "http://telegram.org/"));
    assertThat(parse("<a   href=  'telegram.org?&lt;'   > </a>").entities())
        .containsExactly(Entity.textLink(0, 1, "http://telegram.org/?<"));
    assertThat(parse("<a href=\"https://example.com/a?b=1&c=2\">x</a>").entities())
        .containsExactly(Entity.textLink(0, 1, "https://example.com/a?b=1&c=2"));
    assertThat(parse("<a> </a>").entities()).isEmpty();
    assertThat(parse("<a>telegram.org </a>").entities()).isEmpty();
    assertThat(parse("<a>telegram.org</a>").entities())
        .containsExactly(Entity.textLink(0, 12, "http://telegram.org/"));
    assertThat(parse("<a>https://telegram.org/asdsa?asdasdwe#12e3we</a>").entities())
        .containsExactly(Entity.textLink(0, 42, "https://telegram.org/asdsa?asdasdwe#12e3we"));
    assertThat(parse("<a href=\"javascript:alert(1)\">x</a>").entities()).isEmpty();
    assertThat(parse("<a href=\"tg://user?id=42\">Bob</a>").entities())
        .containsExactly(new Entity("text_mention", 0, 3, null, null, null, 42L));
  }

  @Test
  void preAndCodeWithLanguage() {
    assertThat(parse("🏟 🏟&lt;<pre  >🏟 🏟&lt;</>").entities())
        .containsExactly(Entity.pre(6, 6, null));
    assertThat(parse("🏟 🏟&lt;<code >🏟 🏟&lt;</>").entities())
        .containsExactly(Entity.of("code", 6, 6));
    assertThat(parse("🏟 🏟&lt;<pre><code>🏟 🏟&lt;</code></>").entities())
        .containsExactly(Entity.pre(6, 6, null), Entity.of("code", 6, 6));
    assertThat(
            parse("🏟 🏟&lt;<pre><code class=\"language-\">🏟 🏟&lt;</code></>").entities())
        .containsExactly(Entity.pre(6, 6, null), Entity.of("code", 6, 6));
    assertThat(
            parse("🏟 🏟&lt;<pre><code class=\"language-fift\">🏟 🏟&lt;</></>").entities())
        .containsExactly(Entity.pre(6, 6, "fift"));
    assertThat(
            parse("🏟 🏟&lt;<code class=\"language-fift\"><pre>🏟 🏟&lt;</></>").entities())
        .containsExactly(Entity.pre(6, 6, "fift"));
    assertThat(parse("🏟 🏟&lt;<pre><code class=\"language-fift\">🏟 🏟&lt;</> </>")
            .entities())
        .containsExactly(Entity.pre(6, 7, null), Entity.of("code", 6, 6));
    assertThat(parse("🏟 🏟&lt;<pre> <code class=\"language-fift\">🏟 🏟&lt;</></>")
            .entities())
        .containsExactly(Entity.pre(6, 7, null), Entity.of("code", 7, 6));
    assertThat(parse("<code class=\"language-java\">x</code>").entities())
        .as("a language on code outside pre is dropped")
        .containsExactly(Entity.of("code", 0, 1));
  }

  @Test
  void blockquotesSpoilersAndCustomEmoji() {
    assertThat(parse("<blockquote   cite=\"\" askdlbas nasjdbaj nj12b3>a&lt;<pre  >b;</></>"))
        .isEqualTo(
            new Parsed("a<b;", List.of(Entity.of("blockquote", 0, 4), Entity.pre(2, 2, null))));
    assertThat(parse("<blockquote   expandable>a&lt;<pre  >b;</></>").entities())
        .containsExactly(Entity.of("expandable_blockquote", 0, 4), Entity.pre(2, 2, null));
    assertThat(parse("<blockquote expandable=false>q</blockquote>").entities())
        .containsExactly(Entity.of("expandable_blockquote", 0, 1));
    assertThat(
            parse("➡️ ➡️<span class = \"tg-spoiler\">➡️ ➡️</span><b>➡️ ➡️</b>").entities())
        .containsExactly(Entity.of("spoiler", 5, 5), Entity.of("bold", 10, 5));
    assertThat(parse("🏟 🏟<b aba   =   caba><tg-emoji emoji-id=\"1\">🏟</tg-emoji>1</b>"))
        .isEqualTo(new Parsed(
            "🏟 🏟🏟1",
            List.of(
                Entity.of("bold", 5, 3), new Entity("custom_emoji", 5, 2, null, null, "1", null))));
  }

  @Test
  void strictModeRejectsAmpersandsTelegramWouldKeep() {
    assertThatThrownBy(() -> parse("Tom & Jerry"))
        .isInstanceOf(ParseException.class)
        .hasMessage("Unescaped \"&\" at byte offset 4; use \"&amp;\"");
    assertThatThrownBy(() -> parse("a&nbsp;b"))
        .hasMessageStartingWith("Unsupported HTML entity \"&nbsp;\" at byte offset 1");
    assertThatThrownBy(() -> parse("AT&T"))
        .hasMessageStartingWith("Unsupported HTML entity \"&T\" at byte offset 2");
    assertThatThrownBy(() -> parse("1 &lt 2"))
        .hasMessageStartingWith("Unterminated HTML entity \"&lt\" at byte offset 2");
    assertThatThrownBy(() -> parse("&#0;"))
        .hasMessageStartingWith("Unsupported HTML entity \"&#0;\"");
  }

  @Test
  void telegramModeKeepsThemLiterally() {
    assertThat(lenient("Tom & Jerry").text()).isEqualTo("Tom & Jerry");
    assertThat(lenient("&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;").text())
        .isEqualTo("<>&\"&laquo;&raquo;&#12345678;");
    assertThat(lenient("&ge;&Or;").text()).isEqualTo("&ge;&Or;");
    assertThat(lenient("🏟 🏟<i>🏟 &lt🏟</i>"))
        .isEqualTo(new Parsed("🏟 🏟🏟 <🏟", List.of(Entity.of("italic", 5, 6))));
  }
}
