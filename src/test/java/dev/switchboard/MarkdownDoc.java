package dev.switchboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Markdown file of the documentation, read the way the doc tests need it: prose lines (outside
 * fenced code), sections by heading, table rows, fenced blocks, links and the anchors GitHub
 * gives its headings. Hand-written because the tests need only these few shapes, which our own
 * files keep simple (no code span across lines, no nested lists that matter).
 */
record MarkdownDoc(Path file, List<String> lines) {
  private static final Pattern HEADING = Pattern.compile("(#{1,6}) (.+)");
  private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)]\\(([^)\\s]+)\\)");
  private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");

  static MarkdownDoc read(Path file) {
    try {
      return new MarkdownDoc(file, Files.readAllLines(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** README.md and every Markdown file under docs/. */
  static List<MarkdownDoc> all() {
    try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
      List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
      return files.stream().map(MarkdownDoc::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines outside fenced code blocks; headings and tables included. */
  List<String> prose() {
    List<String> out = new ArrayList<>();
    boolean fenced = false;
    for (String line : lines) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced) {
        out.add(line);
      }
    }
    return out;
  }

  /** The contents of every fenced block whose opening fence names {@code language}. */
  List<String> fencedBlocks(String language) {
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    boolean fenced = false;
    for (String line : lines) {
      if (line.startsWith("```")) {
        if (!fenced && line.substring(3).strip().equals(language)) {
          block = new StringBuilder();
        } else if (fenced && block != null) {
          blocks.add(block.toString());
          block = null;
        }
        fenced = !fenced;
      } else if (block != null) {
        block.append(line).append('\n');
      }
    }
    return blocks;
  }

  /**
   * The section under the heading whose text is {@code title} (any level), up to the next
   * heading of the same or a higher level; headings inside fenced code do not count.
   */
  MarkdownDoc section(String title) {
    int start = -1;
    int level = 0;
    boolean fenced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      Matcher m = HEADING.matcher(line);
      if (fenced || !m.matches()) {
        continue;
      }
      if (start >= 0 && m.group(1).length() <= level) {
        return new MarkdownDoc(file, lines.subList(start, i));
      }
      if (start < 0 && m.group(2).strip().equals(title)) {
        start = i + 1;
        level = m.group(1).length();
      }
    }
    if (start < 0) {
      throw new AssertionError(file + " has no heading '" + title + "'");
    }
    return new MarkdownDoc(file, lines.subList(start, lines.size()));
  }

  String text() {
    return String.join("\n", lines);
  }

  /** Each table row as its cells, trimmed; the header separator rows are left out. */
  List<List<String>> tableRows() {
    List<List<String>> rows = new ArrayList<>();
    for (String line : prose()) {
      String t = line.strip();
      if (t.startsWith("|") && t.endsWith("|") && !t.matches("\\|[-|: ]+\\|")) {
        String inner = t.substring(1, t.length() - 1);
        rows.add(
            Arrays.stream(inner.split("(?<!\\\\)\\|", -1)).map(String::strip).toList());
      }
    }
    return rows;
  }

  /**
   * What each bullet of the prose is about: its text up to the first colon outside code spans,
   * continuation lines included. For "- `KillMode=mixed`: SIGTERM goes..." that is
   * "`KillMode=mixed`".
   */
  List<String> bulletHeads() {
    List<String> bullets = new ArrayList<>();
    for (String line : prose()) {
      if (line.startsWith("- ")) {
        bullets.add(line.substring(2));
      } else if (line.startsWith("  ") && !bullets.isEmpty() && !line.isBlank()) {
        bullets.set(bullets.size() - 1, bullets.getLast() + " " + line.strip());
      }
    }
    List<String> heads = new ArrayList<>();
    for (String bullet : bullets) {
      boolean code = false;
      int end = bullet.length();
      for (int i = 0; i < bullet.length(); i++) {
        char c = bullet.charAt(i);
        if (c == '`') {
          code = !code;
        } else if (c == ':' && !code) {
          end = i;
          break;
        }
      }
      heads.add(bullet.substring(0, end));
    }
    return heads;
  }

  /** The targets of the links in the prose, code spans aside. */
  List<String> linkTargets() {
    List<String> targets = new ArrayList<>();
    for (String line : prose()) {
      Matcher m = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
      while (m.find()) {
        targets.add(m.group(2));
      }
    }
    return targets;
  }

  /** The anchors GitHub makes of the headings: "systemd: `install`" becomes "systemd-install". */
  Set<String> anchors() {
    Set<String> anchors = new LinkedHashSet<>();
    for (String line : prose()) {
      Matcher m = HEADING.matcher(line);
      if (m.matches()) {
        String slug = m.group(2)
            .strip()
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{N} _-]", "")
            .replace(' ', '-');
        String unique = slug;
        for (int n = 1; !anchors.add(unique); n++) {
          unique = slug + "-" + n;
        }
      }
    }
    return anchors;
  }
}
