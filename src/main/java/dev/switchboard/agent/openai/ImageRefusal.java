package dev.switchboard.agent.openai;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Recognises a server's answer that the model takes no images, as the common OpenAI-compatible
 * servers word it for a text-only model sent an {@code image_url} part:
 * <ul>
 *   <li>OpenAI: 400 "Invalid content type. image_url is only supported by certain models."
 *   <li>vLLM: 400 "&lt;model&gt; is not a multimodal model", or with images limited to none,
 *       "At most 0 image(s) may be provided in one request."
 *   <li>Ollama: "this model is missing data required for image input" (400, 500 in some
 *       versions)
 *   <li>llama.cpp's server without a projector: 400 "image input is not supported - hint: if this
 *       is unexpected, you may need to provide the mmproj"
 *   <li>LM Studio and gateways in front of other models: "... does not support images",
 *       "vision is not supported", "... not a vision model"
 * </ul>
 * Only the message is read, and only phrases that tie images, vision or multimodality to "not
 * supported" count: a malformed request ("expected an object") or an image the model could not
 * decode is a different failure and is reported as it is, never retried without the image.
 */
final class ImageRefusal {
  private static final String VISUAL = "(?:images?|image[ _]input|image_url|vision|multi-?modal)";
  private static final List<Pattern> PHRASES = List.of(
      // "image input is not supported", "image_url is only supported by certain models",
      // "vision is not enabled for this model"
      Pattern.compile(VISUAL + "\\b[^.]{0,40}\\b(?:is|are)\\s+(?:not|only)\\s+"
          + "(?:supported|enabled|available|allowed)"),
      // "does not support images", "doesn't support image input", "cannot accept images"; not
      // "could not process image", which is about one image the model could not decode
      Pattern.compile("(?:does\\s+not|doesn't|do\\s+not|don't|cannot|can't)\\s+"
          + "(?:support|accept)\\s+(?:\\w+\\s+){0,2}?" + VISUAL),
      // "is not a multimodal model", "not a vision model", "text-only model"
      Pattern.compile("not\\s+an?\\s+(?:multi-?modal|vision|vision-capable)\\s+model"),
      Pattern.compile("missing data required for image input"),
      Pattern.compile("at most 0 image"),
      Pattern.compile("unsupported\\s+(?:content\\s+)?(?:type\\s+)?['\"]?image_url"));

  private ImageRefusal() {}

  /**
   * Whether an error answer to a request that carried images says the model cannot take them.
   * Statuses other than 400, 422 and 500 never do: 401, 404, 413 and 429 mean other things.
   */
  static boolean isRefusal(int status, Failures.ServerError error) {
    if (status != 400 && status != 422 && status != 500) {
      return false;
    }
    String message = error.message();
    if (message == null) {
      return false;
    }
    String lower = message.toLowerCase(Locale.ROOT);
    return PHRASES.stream().anyMatch(p -> p.matcher(lower).find());
  }
}
