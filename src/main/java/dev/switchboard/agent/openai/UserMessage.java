package dev.switchboard.agent.openai;

import dev.switchboard.agent.AttachmentNotes;
import dev.switchboard.agent.TurnAttachment;
import dev.switchboard.agent.TurnRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The turn's new user message in Chat Completions' shape. Without attachments its content is
 * the text alone, a string, as it always was. With attachments it is an array of content parts:
 * the user's text as a {@code text} part, then per attachment in the order sent
 * <ul>
 *   <li>an image or sticker the model may see: an {@code image_url} part holding a base64 data
 *       URL ({@code data:image/png;base64,...});
 *   <li>a file with text (a document's, a transcript): a {@code text} part with the text between
 *       lines naming it ({@link AttachmentNotes#section});
 *   <li>anything else: a {@code text} part with a one-line note saying what was sent and why
 *       the model does not get it.
 * </ul>
 * Files' texts share what is left of the context budget after the user's text, the images and
 * the notes, earliest first; one that does not fit is cut, with a note saying so. The history
 * then gets what the message leaves ({@link HistoryBudget}).
 */
final class UserMessage {
  private static final Logger log = LoggerFactory.getLogger(UserMessage.class);

  /** Larger images become a note: a data URL that size is what servers commonly refuse. */
  static final long MAX_IMAGE_BYTES = 20L * 1024 * 1024;

  /**
   * What an image is reckoned to cost in tokens. Servers count it by pixel size and model, which
   * the gateway does not know; OpenAI's high-detail tiles put a photo near 1,000.
   */
  static final int IMAGE_TOKENS = 1_000;

  /** The image types OpenAI documents for image input; others are not sent. */
  static final Set<String> IMAGE_TYPES =
      Set.of("image/png", "image/jpeg", "image/webp", "image/gif");

  /** Below this many bytes of room a file's text is left out whole, not cut to a stump. */
  private static final int MIN_CUT_BYTES = 256;

  private final JsonNode content;
  private final int tokens;
  private final int images;

  private UserMessage(JsonNode content, int tokens, int images) {
    this.content = content;
    this.tokens = tokens;
    this.images = images;
  }

  /** The message's {@code content}: a string, or an array of parts. */
  JsonNode content() {
    return content;
  }

  /** The estimated tokens of the message, images included. */
  int tokens() {
    return tokens;
  }

  /** Whether an {@code image_url} part is in it. */
  boolean hasImages() {
    return images > 0;
  }

  /**
   * The message for {@code request}.
   *
   * @param sendImages whether images go as image parts; if not, each becomes a note saying the
   *     model cannot see it
   * @param budget the estimated tokens the message may use, at most
   */
  static UserMessage of(TurnRequest request, boolean sendImages, long budget) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    String text = request.text();
    if (request.attachments().isEmpty()) {
      return new UserMessage(json.stringNode(text), HistoryBudget.estimate(text), 0);
    }
    List<Part> parts = new ArrayList<>();
    if (!text.isBlank()) {
      parts.add(Part.text(text));
    }
    for (TurnAttachment a : request.attachments()) {
      parts.add(partFor(a, sendImages));
    }
    long left = (budget - HistoryBudget.PER_MESSAGE) * 4;
    for (Part p : parts) {
      if (p.attachment == null || p.imageUrl != null) {
        left -= p.bytes();
      }
    }
    ArrayNode content = json.arrayNode();
    long bytes = 0;
    int images = 0;
    for (Part p : parts) {
      if (p.imageUrl != null) {
        content.addObject().put("type", "image_url").putObject("image_url").put("url", p.imageUrl);
        images++;
        continue;
      }
      String partText = p.text;
      if (p.attachment != null) {
        partText = fit(p.attachment, p.text, left);
        left -= utf8(partText);
      }
      content.addObject().put("type", "text").put("text", partText);
      bytes += utf8(partText);
    }
    int tokens = (int) Math.min(
        Integer.MAX_VALUE,
        (bytes + 3) / 4 + HistoryBudget.PER_MESSAGE + (long) images * IMAGE_TOKENS);
    return new UserMessage(content, tokens, images);
  }

  /**
   * One part before fitting: a text of the user's or a note (attachment null), a file's text
   * section (attachment set), or an image (imageUrl set).
   */
  private record Part(
      String text,
      @Nullable TurnAttachment attachment,
      @Nullable String imageUrl) {
    static Part text(String text) {
      return new Part(text, null, null);
    }

    long bytes() {
      return imageUrl != null ? (long) IMAGE_TOKENS * 4 : utf8(text);
    }
  }

  private static Part partFor(TurnAttachment a, boolean sendImages) {
    if (a.kind().visual()) {
      return imagePart(a, sendImages);
    }
    if (a.text() != null) {
      return new Part(a.text(), a, null);
    }
    return Part.text(AttachmentNotes.notSent(
        a,
        a.kind().audible()
            ? "which could not be transcribed"
            : "of type " + a.mimeType() + ", which cannot be passed on to this model"));
  }

  private static Part imagePart(TurnAttachment a, boolean sendImages) {
    String type = imageType(a.mimeType());
    if (!sendImages) {
      return Part.text(AttachmentNotes.notSent(a, "which this model cannot see"));
    }
    if (!IMAGE_TYPES.contains(type)) {
      return Part.text(
          AttachmentNotes.notSent(a, "in a format (" + a.mimeType() + ") the model cannot take"));
    }
    if (a.size() > MAX_IMAGE_BYTES) {
      return Part.text(tooLarge(a, a.size()));
    }
    byte[] bytes;
    try {
      bytes = a.bytes();
    } catch (IOException e) {
      log.warn("cannot read the attachment {} for the model: {}", a.path(), e.toString());
      return Part.text(AttachmentNotes.notSent(a, "which could not be read"));
    }
    if (bytes.length > MAX_IMAGE_BYTES) {
      return Part.text(tooLarge(a, bytes.length));
    }
    String url = "data:" + type + ";base64," + Base64.getEncoder().encodeToString(bytes);
    return new Part("", a, url);
  }

  private static String tooLarge(TurnAttachment a, long size) {
    return AttachmentNotes.notSent(
        a,
        String.format(
            Locale.ROOT,
            "too large (%.1f MB) to pass on to the model; the limit is %d MB",
            size / 1048576.0,
            MAX_IMAGE_BYTES / 1048576));
  }

  /** "image/jpeg" from "Image/JPG; name=x": the bare type, lower case, jpg spelled jpeg. */
  static String imageType(String mimeType) {
    int semi = mimeType.indexOf(';');
    String type =
        (semi < 0 ? mimeType : mimeType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    return type.equals("image/jpg") ? "image/jpeg" : type;
  }

  /** The file's section, cut to {@code room} bytes (and a note) when it does not fit. */
  private static String fit(TurnAttachment a, String text, long room) {
    String whole = AttachmentNotes.section(a, text);
    if (utf8(whole) <= room) {
      return whole;
    }
    String note = "[cut here: the rest did not fit in the model's context"
        + " (agent.openai.context_tokens)]";
    long keep = room - (utf8(whole) - utf8(text)) - utf8(note) - 1;
    if (keep < MIN_CUT_BYTES) {
      return AttachmentNotes.notSent(a, "whose text did not fit in the model's context");
    }
    return AttachmentNotes.section(a, cutToBytes(text, keep) + "\n" + note);
  }

  /** The longest prefix of {@code s} whose UTF-8 form has at most {@code max} bytes. */
  static String cutToBytes(String s, long max) {
    long bytes = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > max) {
        break;
      }
      bytes += n;
      i += Character.charCount(cp);
    }
    return s.substring(0, i);
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
