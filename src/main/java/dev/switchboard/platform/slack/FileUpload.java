package dev.switchboard.platform.slack;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends a file the way Slack asks apps to: {@code files.getUploadURLExternal} (filename,
 * length) gives an upload URL and a file id; the bytes are POSTed raw to that URL (it is
 * pre-signed, so the token does not go with them); {@code files.completeUploadExternal} shares
 * the file into the channel, in the thread when there is one, with the caption as its {@code
 * initial_comment}. Both methods take form-encoded arguments, as Slack's own SDKs send them.
 * Until the last step nothing is posted, so a failure before it is safe to try again.
 */
final class FileUpload {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);
  /** A minute, and a second per 256 KiB on top: 70 minutes for Slack's largest, 1 GB. */
  private static final long BYTES_PER_SECOND = 256 * 1024;

  private static final Set<String> TOO_LARGE = Set.of(
      "file_too_large", "invalid_file_size", "file_upload_size_restricted", "snippet_too_large");
  private static final Set<String> NOT_ALLOWED = Set.of(
      "file_uploads_disabled", "file_uploads_except_images_disabled", "file_type_not_allowed");

  private final HttpClient http;
  private final SlackWebApi api;

  FileUpload(HttpClient http, SlackWebApi api) {
    this.http = http;
    this.api = api;
  }

  /**
   * Uploads and shares the file. The reference is to the message's ts when Slack already says
   * where it shared the file, else to the file id: Slack shares an upload in the background, so
   * its answer often names no message yet.
   */
  MessageRef send(ChatRef chat, OutboundFile file, String token)
      throws PlatformException, InterruptedException {
    long length = length(file.path());
    String name = file.fileName().isBlank() ? "file" : file.fileName();
    Map<String, String> ask = new LinkedHashMap<>();
    ask.put("filename", name);
    ask.put("length", Long.toString(length));
    JsonNode slot = call("files.getUploadURLExternal", token, ask);
    String uploadUrl = slot.path("upload_url").asString("");
    String fileId = slot.path("file_id").asString("");
    if (!uploadUrl.matches("(?i)https?://.+") || fileId.isEmpty()) {
      throw new PlatformException(
          "files.getUploadURLExternal: the answer has no upload_url or file_id", false);
    }
    upload(URI.create(uploadUrl), file.path(), length);

    Map<String, String> complete = new LinkedHashMap<>();
    complete.put(
        "files",
        JSON.createArrayNode()
            .add(JSON.createObjectNode().put("id", fileId).put("title", name))
            .toString());
    complete.put("channel_id", chat.chatId());
    if (chat.threadId() != null) {
      complete.put("thread_ts", chat.threadId());
    }
    if (!file.caption().isBlank()) {
      complete.put("initial_comment", Mrkdwn.escape(file.caption()));
    }
    JsonNode done = call("files.completeUploadExternal", token, complete);
    return new MessageRef(chat, sharedTs(done, fileId, chat.chatId()).orElse(fileId));
  }

  private static long length(Path path) throws PlatformException {
    try {
      return Files.size(path);
    } catch (IOException e) {
      throw new PlatformException(
          "the file to send cannot be read (" + e.getClass().getSimpleName() + ")", true);
    }
  }

  private JsonNode call(String method, String token, Map<String, String> form)
      throws PlatformException, InterruptedException {
    try {
      return api.callForm(method, token, form, CALL_DEADLINE);
    } catch (SlackWebApi.Refused r) {
      throw explained(r);
    }
  }

  /** Slack's error code kept, with what it means for whoever set the app up. */
  private static PlatformException explained(SlackWebApi.Refused r) {
    String why;
    if (TOO_LARGE.contains(r.error())) {
      why = "Slack refused the file as too large";
    } else if (NOT_ALLOWED.contains(r.error())) {
      why = "the Slack workspace does not allow this upload";
    } else if (r.error().equals("missing_scope")) {
      why = "the Slack app needs the " + (r.needed().isEmpty() ? "files:write" : r.needed())
          + " scope to send files (add it under OAuth & Permissions, then reinstall the app)";
    } else if (r.error().equals("not_in_channel")) {
      why = "the bot is not in this channel; invite it first";
    } else {
      return r;
    }
    return new PlatformException(r.getMessage() + ": " + why, r.kind(), null, null);
  }

  private void upload(URI url, Path path, long length)
      throws PlatformException, InterruptedException {
    HttpResponse<Void> response;
    try {
      HttpRequest request = HttpRequest.newBuilder(url)
          .timeout(Duration.ofSeconds(60 + length / BYTES_PER_SECOND))
          .header("Content-Type", "application/octet-stream")
          .POST(HttpRequest.BodyPublishers.ofFile(path))
          .build();
      response = http.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      // Nothing is posted before completeUploadExternal: sending it all again is safe.
      throw new PlatformException(
          "the upload to Slack broke off (" + e.getClass().getSimpleName() + ")", false);
    }
    int status = response.statusCode();
    if (status == 200) {
      return;
    }
    if (status == 413) {
      throw new PlatformException("Slack refused the file as too large (HTTP 413)", true);
    }
    throw new PlatformException(
        "the upload to Slack failed (HTTP " + status + ")", !(status == 429 || status >= 500));
  }

  /** Where Slack says it shared the file: shares.public or .private, by channel. */
  private static Optional<String> sharedTs(JsonNode done, String fileId, String channel) {
    for (JsonNode f : done.path("files")) {
      if (!f.path("id").asString("").equals(fileId)) {
        continue;
      }
      for (String where : new String[] {"public", "private"}) {
        String ts =
            f.path("shares").path(where).path(channel).path(0).path("ts").asString("");
        if (!ts.isEmpty()) {
          return Optional.of(ts);
        }
      }
    }
    return Optional.empty();
  }
}
