package dev.switchboard.cli;

import dev.switchboard.common.MultipartForm;
import dev.switchboard.http.LoginGate;
import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code switchboard send} posts to the gateway's {@code /api/admin/send}: JSON for text
 * alone; {@code multipart/form-data} with the upload header when files go with it, the files
 * streamed from disk (the fields {@code target}, {@code text}, {@code idempotency_key} and one
 * {@code file} per file, as the gateway's form reader takes them).
 *
 * @param upload whether it is an upload, which must carry {@link LoginGate#UPLOAD_HEADER}
 */
record AdminSendBody(String contentType, HttpRequest.BodyPublisher publisher, boolean upload) {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  static AdminSendBody of(
      String target, @Nullable String text, @Nullable String key, List<SendFiles.Checked> files)
      throws FileNotFoundException {
    if (files.isEmpty()) {
      ObjectNode request =
          JSON.createObjectNode().put("target", target).put("text", text == null ? "" : text);
      if (key != null) {
        request.put("idempotency_key", key);
      }
      return new AdminSendBody(
          "application/json",
          HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)),
          false);
    }
    MultipartForm form = new MultipartForm().field("target", target);
    if (text != null) {
      form.field("text", text);
    }
    if (key != null) {
      form.field("idempotency_key", key);
    }
    for (SendFiles.Checked f : files) {
      form.file("file", f.fileName(), f.contentType(), f.path());
    }
    return new AdminSendBody(form.contentType(), form.body(), true);
  }
}
