package dev.switchboard.platform.telegram;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the HTML TelegramHtml may emit: stricter than Telegram, so that
 * passing it means Telegram accepts the message. Only b, i, s, code, pre, blockquote, a href
 * and code class="language-x" directly inside pre; only the named entities &lt; &gt; &amp;
 * &quot;; every tag closed in order; no empty elements; no formatting around or inside code,
 * nothing inside a pre but its text or one code child, no nested quotes, links or styles.
 */
final class HtmlCheck {
  private HtmlCheck() {}

  record Entity(String type, String attribute, int offset, int length) {}

  record Result(String text, List<Entity> entities) {}

  private static final Map<String, String> ENTITIES =
      Map.of("lt", "<", "gt", ">", "amp", "&", "quot", "\"");
  private static final Set<String> STYLES = Set.of("b", "i", "s", "a");
  private static final Pattern LINK = Pattern.compile("a href=\"([^\"<>]*)\"");
  private static final Pattern LANGUAGE = Pattern.compile("code class=\"language-([^\"<>]+)\"");

  private static final class Open {
    final String name;
    final String attribute;
    final int start;
    boolean childClosed;

    Open(String name, String attribute, int start) {
      this.name = name;
      this.attribute = attribute;
      this.start = start;
    }
  }

  static String visible(String html) {
    return parse(html).text();
  }

  static Result parse(String html) {
    StringBuilder text = new StringBuilder();
    List<Entity> entities = new ArrayList<>();
    Deque<Open> stack = new ArrayDeque<>();
    int i = 0;
    while (i < html.length()) {
      char c = html.charAt(i);
      if (c == '<') {
        int end = html.indexOf('>', i);
        require(end > i, "unterminated tag", html, i);
        String tag = html.substring(i + 1, end);
        if (tag.startsWith("/")) {
          close(tag.substring(1), stack, text, entities, html, i);
        } else {
          open(tag, stack, text, html, i);
        }
        i = end + 1;
      } else {
        require(c != '>', "raw '>'", html, i);
        require(stack.isEmpty() || !stack.peek().childClosed, "text after pre's code", html, i);
        if (c == '&') {
          int semi = html.indexOf(';', i);
          String name = semi < 0 ? null : ENTITIES.get(html.substring(i + 1, semi));
          require(name != null, "unknown entity", html, i);
          text.append(name);
          i = semi + 1;
        } else {
          text.append(c);
          i++;
        }
      }
    }
    require(
        stack.isEmpty(),
        "unclosed " + (stack.isEmpty() ? "" : stack.peek().name),
        html,
        html.length());
    return new Result(text.toString(), List.copyOf(entities));
  }

  private static void open(String tag, Deque<Open> stack, StringBuilder text, String html, int at) {
    Open parent = stack.peek();
    require(parent == null || !parent.name.equals("code"), "tag inside code", html, at);
    require(parent == null || !parent.childClosed, "tag after pre's code", html, at);
    Matcher link = LINK.matcher(tag);
    Matcher language = LANGUAGE.matcher(tag);
    String name;
    String attribute = null;
    if (link.matches()) {
      name = "a";
      attribute = decodeAttribute(link.group(1), html, at);
    } else if (language.matches()) {
      name = "code";
      attribute = decodeAttribute(language.group(1), html, at);
      require(
          parent != null && parent.name.equals("pre") && text.length() == parent.start,
          "language code outside or after the start of pre",
          html,
          at);
    } else {
      name = tag;
      require(
          Set.of("b", "i", "s", "code", "pre", "blockquote").contains(name),
          "unsupported tag <" + tag + ">",
          html,
          at);
    }
    for (Open o : stack) {
      require(!o.name.equals(name), "<" + name + "> inside <" + name + ">", html, at);
      require(!o.name.equals("pre") || attribute != null, "<" + name + "> inside pre", html, at);
      require(
          !(name.equals("code") || name.equals("pre")) || !STYLES.contains(o.name),
          "<" + name + "> inside <" + o.name + ">",
          html,
          at);
    }
    require(!name.equals("pre") || stack.isEmpty(), "pre inside another tag", html, at);
    require(!name.equals("blockquote") || stack.isEmpty(), "blockquote inside a tag", html, at);
    stack.push(new Open(name, attribute, text.length()));
  }

  private static void close(
      String name,
      Deque<Open> stack,
      StringBuilder text,
      List<Entity> entities,
      String html,
      int at) {
    Open top = stack.peek();
    require(
        top != null && top.name.equals(name),
        "</" + name + "> does not close " + (top == null ? "anything" : "<" + top.name + ">"),
        html,
        at);
    stack.pop();
    require(text.length() > top.start, "empty <" + name + ">", html, at);
    if (!stack.isEmpty() && stack.peek().name.equals("pre")) {
      stack.peek().childClosed = true;
    }
    entities.add(new Entity(name, top.attribute, top.start, text.length() - top.start));
  }

  private static String decodeAttribute(String value, String html, int at) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < value.length()) {
      if (value.charAt(i) == '&') {
        int semi = value.indexOf(';', i);
        String name = semi < 0 ? null : ENTITIES.get(value.substring(i + 1, semi));
        require(name != null, "unknown entity in attribute", html, at);
        out.append(name);
        i = semi + 1;
      } else {
        out.append(value.charAt(i++));
      }
    }
    return out.toString();
  }

  private static void require(boolean ok, String problem, String html, int at) {
    if (!ok) {
      throw new IllegalArgumentException(problem + " at " + at + " in: " + html);
    }
  }
}
