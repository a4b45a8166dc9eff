package dev.switchboard.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file: {@code KEY=value} lines, optional {@code export }, {@code #}
 * comments, single-quoted (literal) and double-quoted (with {@code \n \" \\} escapes) values.
 *
 * <p>Written by hand rather than taken from dotenv-java because that library puts the whole
 * malformed line in its exception message, and {@code .env} lines hold API keys and bot tokens;
 * our errors name the file and line number only, never the content.
 */
public final class DotEnvFile {
  private static final Pattern LINE =
      Pattern.compile("\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*?)\\s*");

  private DotEnvFile() {}

  /** The variables in {@code file} in file order; empty when the file does not exist. */
  public static Map<String, Entry> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (MalformedInputException e) {
      throw new ConfigException(null, file + " is not valid UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException(
          null, "cannot read " + file + ": " + e.getClass().getSimpleName());
    }
    return parse(lines, file.getFileName().toString());
  }

  /** One variable and the line it came from, so later errors can point at it. */
  public record Entry(String value, int line) {}

  static Map<String, Entry> parse(List<String> lines, String fileName) {
    Map<String, Entry> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String raw = lines.get(i);
      if (lineNo == 1 && raw.startsWith("\uFEFF")) {
        raw = raw.substring(1);
      }
      String trimmed = raw.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(raw);
      if (!m.matches()) {
        throw new ConfigException(
            null,
            fileName + " line " + lineNo
                + ": expected NAME=value, NAME being letters, digits and _ not starting with a"
                + " digit, optionally after 'export ' (the line is not shown because it may"
                + " hold a secret)");
      }
      String name = m.group(1);
      String value = unquote(m.group(2), fileName, lineNo, name);
      out.put(name, new Entry(value, lineNo));
    }
    return out;
  }

  private static String unquote(String v, String fileName, int lineNo, String name) {
    if (v.startsWith("'")) {
      int end = v.indexOf('\'', 1);
      requireClosed(end, v, fileName, lineNo, name);
      return v.substring(1, end);
    }
    if (v.startsWith("\"")) {
      StringBuilder sb = new StringBuilder();
      int i = 1;
      for (; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '"') {
          break;
        }
        if (c == '\\' && i + 1 < v.length()) {
          char n = v.charAt(++i);
          sb.append(
              switch (n) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                default -> n;
              });
        } else {
          sb.append(c);
        }
      }
      requireClosed(i < v.length() ? i : -1, v, fileName, lineNo, name);
      return sb.toString();
    }
    if (v.startsWith("#")) {
      return ""; // "NAME= # comment": the space before '#' was taken by the separator
    }
    int comment = v.indexOf(" #");
    return (comment >= 0 ? v.substring(0, comment) : v).strip();
  }

  private static void requireClosed(int end, String v, String fileName, int lineNo, String name) {
    if (end < 0) {
      throw new ConfigException(
          name,
          fileName + " line " + lineNo + ": the quote that opens the"
              + " value is never closed (multi-line values are not supported)");
    }
    String rest = v.substring(end + 1).strip();
    if (!rest.isEmpty() && !rest.startsWith("#")) {
      throw new ConfigException(
          name, fileName + " line " + lineNo + ": unexpected text after the closing quote");
    }
  }
}
