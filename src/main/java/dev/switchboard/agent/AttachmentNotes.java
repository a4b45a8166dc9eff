package dev.switchboard.agent;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How a backend words an attachment for a model that gets it as text: the delimited section
 * around a document's text or a transcript, and the one-line note that stands in for a file the
 * model does not get. Every backend says it the same way, so a model sees the same thing
 * whichever backend runs it.
 */
public final class AttachmentNotes {
  private static final int MAX_NAME = 120;
  // A name the gateway made up ("an image") rather than the user's own file name.
  private static final Pattern MADE_UP_NAME = Pattern.compile("(?i)an? [a-z]+( [a-z]+)?");
  private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\[\\]]+");

  private AttachmentNotes() {}

  /** "an image, photo.jpg" or, when it has no name of its own, "an image". */
  public static String what(TurnAttachment a) {
    String noun = noun(a);
    String name = name(a);
    return name == null ? noun : noun + ", " + name;
  }

  /**
   * The note that stands in for an attachment the model does not get: "[the user sent an image,
   * photo.jpg, which this model cannot see]" for {@code why} "which this model cannot see".
   */
  public static String notSent(TurnAttachment a, String why) {
    return "[the user sent " + what(a) + ", " + why + "]";
  }

  /**
   * The attachment's text between a first line naming it ("[file: report.pdf]", "[voice note
   * transcript]") and a last line closing it, so the model can tell it from the user's words.
   */
  public static String section(TurnAttachment a, String text) {
    String label = label(a);
    String name = name(a);
    String what = name == null ? label : label + ": " + name;
    return "[" + what + "]\n" + text + "\n[end of " + what + "]";
  }

  /** The file name as safe to put on one line of a prompt, or null when it has none. */
  public static @Nullable String name(TurnAttachment a) {
    String name = UNPRINTABLE.matcher(a.name()).replaceAll(" ").strip();
    if (name.isEmpty() || MADE_UP_NAME.matcher(name).matches()) {
      return null;
    }
    return name.length() > MAX_NAME ? name.substring(0, MAX_NAME - 1) + "…" : name;
  }

  private static String noun(TurnAttachment a) {
    return switch (a.kind()) {
      case IMAGE -> "an image";
      case STICKER -> "a sticker";
      case VOICE -> "a voice note";
      case AUDIO -> "an audio file";
      case VIDEO -> "a video";
      case DOCUMENT -> "a file";
    };
  }

  private static String label(TurnAttachment a) {
    return switch (a.kind()) {
      case VOICE -> "voice note transcript";
      case AUDIO -> "audio transcript";
      case VIDEO -> "video transcript";
      case IMAGE, STICKER -> "text of image";
      case DOCUMENT -> "file";
    };
  }
}
