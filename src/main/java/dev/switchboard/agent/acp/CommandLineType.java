package dev.switchboard.agent.acp;

import dev.switchboard.config.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent command: a YAML list of words taken as they are, or one line (YAML string or
 * environment variable) split into words like a POSIX shell does for simple quoting: blanks
 * separate words, {@code '...'} keeps everything literally, {@code "..."} keeps blanks and
 * honours {@code \"} and {@code \\}, a backslash outside quotes escapes the next character.
 * No variables, globs, pipes or redirections: the program is started directly, not by a shell.
 */
final class CommandLineType implements ValueType<List<String>> {
  static final CommandLineType INSTANCE = new CommandLineType();

  @Override
  public List<String> parse(Object raw) {
    if (raw instanceof List<?> items) {
      List<String> out = new ArrayList<>();
      for (Object item : items) {
        if (item == null || item instanceof List<?> || item instanceof Map<?, ?>) {
          throw new IllegalArgumentException("got a list containing " + item);
        }
        out.add(String.valueOf(item));
      }
      if (out.isEmpty() || out.getFirst().isBlank()) {
        throw new IllegalArgumentException("got an empty command");
      }
      return List.copyOf(out);
    }
    if (raw instanceof String s) {
      List<String> words = split(s);
      if (words.isEmpty()) {
        throw new IllegalArgumentException("got an empty command");
      }
      return words;
    }
    throw new IllegalArgumentException("got a " + (raw == null ? "null" : "non-text") + " value");
  }

  @Override
  public String expected() {
    return "a command line such as 'npx @zed-industries/claude-code-acp' (blanks separate words;"
        + " quotes must be closed and a backslash must not be last) or a YAML list of single"
        + " words, the first not blank";
  }

  /** Splits one line into words; an unclosed quote or a trailing backslash is an error. */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("has an unclosed ' quote");
        }
        word.append(line, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        i++;
        boolean closed = false;
        while (i < line.length()) {
          char d = line.charAt(i);
          if (d == '"') {
            closed = true;
            i++;
            break;
          }
          if (d == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
            word.append(line.charAt(i + 1));
            i += 2;
          } else {
            word.append(d);
            i++;
          }
        }
        if (!closed) {
          throw new IllegalArgumentException("has an unclosed \" quote");
        }
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 >= line.length()) {
          throw new IllegalArgumentException("ends with a backslash");
        }
        word.append(line.charAt(i + 1));
        inWord = true;
        i += 2;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return List.copyOf(words);
  }
}
