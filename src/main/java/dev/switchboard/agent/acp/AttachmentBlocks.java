package dev.switchboard.agent.acp;

import dev.switchboard.agent.AttachmentNotes;
import dev.switchboard.agent.TurnAttachment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A turn's attachments as {@code session/prompt} content blocks, within what the agent said it
 * takes ({@link PromptCapabilities}):
 * <ul>
 *   <li>an image or sticker, when the agent takes images: an {@code image} block, the bytes in
 *       base64;
 *   <li>a voice note or audio with a transcript: a text block with the transcript, since it is
 *       what the user said;
 *   <li>a file with text (a document's, as the gateway read it), when the agent takes embedded
 *       context: a {@code resource} block with that text and the URI of the file's copy;
 *   <li>anything else: a {@code resource_link} to the file's copy in the agent's directory
 *       ({@link AgentFiles}), which every agent must take and may read itself; for a file with
 *       text, followed by a text block with that text, so an agent that takes no embedded
 *       context still gets what the gateway read (a PDF's text) without reading the file.
 * </ul>
 * A file that cannot be copied becomes a one-line note.
 */
final class AttachmentBlocks {
  private static final Logger log = LoggerFactory.getLogger(AttachmentBlocks.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Larger images go as a link: a JSON-RPC line that size is more than agents should parse. */
  static final long MAX_IMAGE_BYTES = 20L * 1024 * 1024;

  /** The image types the models behind ACP agents take (Claude's and OpenAI's lists agree). */
  static final Set<String> IMAGE_TYPES =
      Set.of("image/png", "image/jpeg", "image/webp", "image/gif");

  private AttachmentBlocks() {}

  /**
   * The blocks for {@code attachments}, in their order.
   *
   * @param cwd the conversation's working directory, where the agent can read the copies
   */
  static List<ObjectNode> of(List<TurnAttachment> attachments, PromptCapabilities caps, Path cwd) {
    List<ObjectNode> blocks = new ArrayList<>();
    for (TurnAttachment a : attachments) {
      String text = a.text();
      if (a.kind().visual() && caps.image()) {
        ObjectNode image = image(a);
        if (image != null) {
          blocks.add(image);
          continue;
        }
      }
      if (a.kind().audible() && text != null) {
        blocks.add(text(AttachmentNotes.section(a, text)));
        continue;
      }
      Path copy;
      try {
        copy = AgentFiles.copy(a, cwd);
      } catch (IOException e) {
        log.warn("cannot copy the attachment {} into {}: {}", a.path(), cwd, e.toString());
        blocks.add(text(AttachmentNotes.notSent(a, "which could not be passed on to the agent")));
        continue;
      }
      String uri = copy.toUri().toString();
      if (text != null && caps.embeddedContext()) {
        ObjectNode block = JSON.objectNode().put("type", "resource");
        block.putObject("resource").put("uri", uri).put("mimeType", textType(a)).put("text", text);
        blocks.add(block);
        continue;
      }
      blocks.add(link(a, copy, uri));
      if (text != null) {
        blocks.add(text(AttachmentNotes.section(a, text)));
      }
    }
    return blocks;
  }

  static ObjectNode text(String text) {
    return JSON.objectNode().put("type", "text").put("text", text);
  }

  /** The image block, or null when it cannot be one (type, size, unreadable): then a link. */
  private static @Nullable ObjectNode image(TurnAttachment a) {
    String type = bareType(a.mimeType());
    if (!IMAGE_TYPES.contains(type) || a.size() > MAX_IMAGE_BYTES) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = a.bytes();
    } catch (IOException e) {
      log.warn("cannot read the attachment {} for the agent: {}", a.path(), e.toString());
      return null;
    }
    if (bytes.length > MAX_IMAGE_BYTES) {
      return null;
    }
    return JSON.objectNode()
        .put("type", "image")
        .put("mimeType", type)
        .put("data", Base64.getEncoder().encodeToString(bytes));
  }

  private static ObjectNode link(TurnAttachment a, Path copy, String uri) {
    long size;
    try {
      size = Files.size(copy);
    } catch (IOException e) {
      size = a.size();
    }
    return JSON.objectNode()
        .put("type", "resource_link")
        .put("uri", uri)
        .put("name", copy.getFileName().toString())
        .put("mimeType", bareType(a.mimeType()))
        .put("size", size);
  }

  /**
   * The MIME type of a resource's text: the file's own when the file is text (the text is the
   * file), else text/plain (the text was read out of it, a PDF's say).
   */
  static String textType(TurnAttachment a) {
    String type = bareType(a.mimeType());
    boolean isText = type.startsWith("text/")
        || type.endsWith("+json")
        || type.endsWith("+xml")
        || Set.of(
                "application/json",
                "application/xml",
                "application/yaml",
                "application/x-yaml",
                "application/javascript",
                "application/x-sh",
                "application/sql")
            .contains(type);
    return isText ? type : "text/plain";
  }

  private static String bareType(String mimeType) {
    int semi = mimeType.indexOf(';');
    String type =
        (semi < 0 ? mimeType : mimeType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    return type.equals("image/jpg") ? "image/jpeg" : type;
  }
}
