package dev.switchboard.agent.acp;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The agent's non-text content blocks in its reply ({@code agent_message_chunk}), as the reply
 * text the gateway sends files from: an {@code image} or an embedded {@code resource} becomes a
 * Markdown image with a {@code data:} URL, a {@code resource_link} to an {@code https:}
 * address a Markdown image with that address, and one to a {@code file:} URI a {@code MEDIA:}
 * line (sent only from {@code media.outbound_dir}). Written into the reply's text, the files
 * are kept with it in the journal, so an answer delivered again after a restart sends the same
 * files.
 */
final class OutputBlocks {
  private OutputBlocks() {}

  /** The Markdown for {@code content}, or empty for a block that carries no file. */
  static Optional<String> markdown(JsonNode content) {
    return switch (content.path("type").asString("")) {
      case "image" ->
        dataImage(
            content.path("mimeType").asString("image/png"), content.path("data").asString(""), "");
      case "resource" -> resource(content.path("resource"));
      case "resource_link" ->
        link(content.path("uri").asString(""), content.path("name").asString(""));
      default -> Optional.empty();
    };
  }

  private static Optional<String> resource(JsonNode resource) {
    String mime = resource.path("mimeType").asString("application/octet-stream");
    String name = nameOf(resource.path("uri").asString(""));
    if (resource.hasNonNull("blob")) {
      return dataImage(mime, resource.path("blob").asString(""), name);
    }
    if (resource.hasNonNull("text")) {
      String base64 = Base64.getEncoder()
          .encodeToString(resource.path("text").asString("").getBytes(StandardCharsets.UTF_8));
      return dataImage(resource.path("mimeType").asString("text/plain"), base64, name);
    }
    return Optional.empty();
  }

  private static Optional<String> link(String uri, String name) {
    if (uri.startsWith("https://")) {
      return Optional.of("\n![" + clean(name) + "](" + uri + ")\n");
    }
    if (uri.startsWith("file:")) {
      try {
        return Optional.of("\nMEDIA: " + URI.create(uri).getPath() + "\n");
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static Optional<String> dataImage(String mime, String base64, String name) {
    if (base64.isEmpty() || !mime.matches("[\\w.+-]+/[\\w.+-]+")) {
      return Optional.empty();
    }
    return Optional.of("\n![" + clean(name) + "](data:" + mime + ";base64," + base64 + ")\n");
  }

  private static String nameOf(String uri) {
    int slash = uri.lastIndexOf('/');
    return slash >= 0 ? uri.substring(slash + 1) : uri;
  }

  /** Alt text cannot hold brackets or line breaks without ending the image early. */
  private static String clean(String alt) {
    return alt.replaceAll("[\\[\\]\\r\\n]", " ").strip();
  }
}
