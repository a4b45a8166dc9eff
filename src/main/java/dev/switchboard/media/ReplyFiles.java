package dev.switchboard.media;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the files an agent's reply asks to send: Markdown images whose address is a {@code
 * data:} or {@code https:} URL ({@code ![chart](https://…/chart.png)}), and lines of the form
 * {@code MEDIA: <path>} naming a local file. What is inside a fenced code block is text, never a
 * file: an agent explaining the syntax must not send anything. Everything else stays in the
 * text, in place; each file is taken out of it, so the chat shows the file, not its address.
 */
public final class ReplyFiles {
  private static final Pattern IMAGE = Pattern.compile(
      "!\\[([^\\]\\n]*)\\]\\(\\s*((?:data:|https://)[^\\s)]+)(?:\\s+\"[^\"\\n]*\")?\\s*\\)");
  private static final Pattern MEDIA_LINE = Pattern.compile("^\\s*MEDIA:\\s*(\\S.*?)\\s*$");
  /** An image whose address is still arriving, at the end of a reply being written. */
  private static final Pattern UNFINISHED_IMAGE =
      Pattern.compile("!\\[[^\\]\\n]*\\]\\(\\s*(?:data:|https://)[^)]*$");

  private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");

  /** Where a file comes from, as the reply names it. */
  public sealed interface Source {
    /** How the reply names it, for messages about it: the URL's last segment, the path. */
    String label();
  }

  /** {@code data:<type>;base64,<bytes>}, the file carried in the reply itself. */
  public record DataUrl(String url) implements Source {
    @Override
    public String label() {
      int semi = url.indexOf(';');
      return "an inline " + (semi > 5 ? url.substring(5, semi) : "file");
    }
  }

  /** An {@code https:} address to fetch it from. */
  public record WebAddress(String url) implements Source {
    @Override
    public String label() {
      String path = url.replaceFirst("[?#].*$", "");
      String last = path.substring(path.lastIndexOf('/') + 1);
      return last.isEmpty() ? url : last;
    }
  }

  /** A file on this machine, named by a {@code MEDIA:} line. */
  public record LocalPath(String path) implements Source {
    @Override
    public String label() {
      return path;
    }
  }

  /** A file the reply asks to send, and the words that go with it (an image's alt text). */
  public record Wanted(Source source, String caption) {}

  /** The reply's text without the files, and the files in the order the reply named them. */
  public record Split(String text, List<Wanted> files) {}

  private ReplyFiles() {}

  public static Split split(String reply) {
    List<Wanted> files = new ArrayList<>();
    StringBuilder text = new StringBuilder(reply.length());
    boolean inFence = false;
    for (String line : reply.split("\n", -1)) {
      if (FENCE.matcher(line).find()) {
        inFence = !inFence;
        appendLine(text, line);
        continue;
      }
      if (inFence) {
        appendLine(text, line);
        continue;
      }
      Matcher media = MEDIA_LINE.matcher(line);
      if (media.matches()) {
        files.add(new Wanted(new LocalPath(media.group(1)), ""));
        continue;
      }
      Matcher image = IMAGE.matcher(line);
      StringBuilder kept = new StringBuilder();
      int from = 0;
      while (image.find()) {
        kept.append(line, from, image.start());
        String url = image.group(2);
        Source source = url.startsWith("data:") ? new DataUrl(url) : new WebAddress(url);
        files.add(new Wanted(source, image.group(1).strip()));
        from = image.end();
      }
      kept.append(line, from, line.length());
      if (from > 0 && kept.toString().isBlank()) {
        continue; // a line that held only images leaves no empty line behind
      }
      appendLine(text, kept.toString());
    }
    return new Split(text.toString().strip(), List.copyOf(files));
  }

  /**
   * What a conversation's transcript keeps of a reply: its text, and a line for each file it
   * sent ("[sent: chart.png]") instead of the file's address, so a picture sent inline does not
   * go back to the model with every later turn as a page of base64.
   */
  public static String forTranscript(String reply) {
    Split s = split(reply);
    if (s.files().isEmpty()) {
      return reply;
    }
    StringBuilder text = new StringBuilder(s.text());
    for (Wanted w : s.files()) {
      if (!text.isEmpty()) {
        text.append('\n');
      }
      text.append("[sent: ")
          .append(w.caption().isEmpty() ? w.source().label() : w.caption())
          .append(']');
    }
    return text.toString();
  }

  /**
   * What a reply still being written shows: its text without the files' addresses, so a
   * picture sent inline does not stream into the chat as a page of base64.
   */
  public static String forPreview(String partialReply) {
    return split(UNFINISHED_IMAGE.matcher(partialReply).replaceFirst("")).text();
  }

  private static void appendLine(StringBuilder text, String line) {
    if (!text.isEmpty() || !line.isEmpty()) {
      if (!text.isEmpty()) {
        text.append('\n');
      }
      text.append(line);
    }
  }
}
