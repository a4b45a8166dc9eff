package dev.switchboard.platform.telegram;

import dev.switchboard.common.MultipartForm;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Files over the Bot API. A download asks getFile for the file's path and fetches it under the
 * configured API base; an upload is a multipart send with the method that shows the file as
 * what it is ({@link UploadMethod}). The Bot API hands bots files of up to 20 MB and takes up to
 * 50 MB; a file over either limit is refused with a message a user understands, before any
 * call when its size is known.
 */
final class TelegramFiles {
  private static final Logger log = LoggerFactory.getLogger(TelegramFiles.class);

  /** 20 MB down (getFile), 50 MB up, captions of 1,024 characters. */
  static final FileLimits LIMITS = FileLimits.megabytes(20, 50, 1024);

  static final String TOO_BIG_TO_DOWNLOAD =
      "the file is larger than the 20 MB Telegram lets bots download";
  static final String TOO_BIG_TO_SEND = "the file is larger than the 50 MB Telegram lets bots send";

  private static final Duration GET_FILE_DEADLINE = Duration.ofSeconds(30);
  /** 20 MB at 70 KB/s; a download still running by then is stalled, not slow. */
  private static final Duration DOWNLOAD_DEADLINE = Duration.ofMinutes(5);
  /** 50 MB at 170 KB/s. */
  private static final Duration UPLOAD_DEADLINE = Duration.ofMinutes(5);

  /**
   * sendPhoto's answers for a picture it will not show as a photo (too many pixels, too
   * elongated, not decodable, too large for a photo); the same file is then sent as a document,
   * which is safe because a 400 means no message was made.
   */
  private static final List<String> NOT_A_PHOTO = List.of(
      "photo_invalid_dimensions",
      "image_process_failed",
      "photo_save_file_invalid",
      "photo_ext_invalid",
      "file is too big");

  private final TelegramApi api;

  TelegramFiles(TelegramApi api) {
    this.api = api;
  }

  /** The bytes of a file a message carried, as {@code PlatformAdapter.download} describes. */
  InputStream download(Attachment attachment) throws PlatformException {
    if (attachment.size() > LIMITS.maxDownloadBytes()) {
      throw new PlatformException(TOO_BIG_TO_DOWNLOAD, true); // getFile would refuse it
    }
    ObjectNode params = api.params();
    params.put("file_id", attachment.ref());
    try {
      JsonNode file = api.call("getFile", params, GET_FILE_DEADLINE);
      if (file.path("file_size").asLong(-1) > LIMITS.maxDownloadBytes()) {
        throw new PlatformException(TOO_BIG_TO_DOWNLOAD, true);
      }
      String path = file.path("file_path").asString("");
      if (path.isEmpty()) {
        throw new PlatformException(
            "Telegram did not say where to fetch the file (getFile gave no file_path)", true);
      }
      return api.download(path, DOWNLOAD_DEADLINE);
    } catch (TelegramApiException e) {
      if (tooBig(e)) {
        throw new PlatformException(TOO_BIG_TO_DOWNLOAD, PlatformException.Kind.FATAL, null, e);
      }
      throw e.classified(false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException(
          "the download was interrupted", PlatformException.Kind.TRANSIENT, null, e);
    }
  }

  /**
   * Sends {@code file} to the chat that {@code target} addresses (chat_id, message_thread_id),
   * with its caption as plain text, and returns the message it made. Failures are classified as
   * for sendMessage: an upload whose answer never came may have made a message.
   */
  MessageRef send(ChatRef chat, ObjectNode target, OutboundFile file) throws PlatformException {
    if (file.size() > LIMITS.maxUploadBytes()) {
      throw new PlatformException(TOO_BIG_TO_SEND, true);
    }
    UploadMethod method = UploadMethod.of(file);
    try {
      JsonNode message;
      try {
        message = upload(method, target, file);
      } catch (TelegramApiException e) {
        if (method != UploadMethod.PHOTO || !notAPhoto(e)) {
          throw e;
        }
        log.info(
            "telegram: {} cannot be shown as a photo ({}); sending it as a document",
            file.fileName(),
            e.getMessage());
        method = UploadMethod.DOCUMENT;
        message = upload(method, target, file);
      }
      return new MessageRef(chat, message.path("message_id").asString());
    } catch (TelegramApiException e) {
      if (tooBig(e)) {
        throw new PlatformException(TOO_BIG_TO_SEND, PlatformException.Kind.FATAL, null, e);
      }
      throw e.classified(true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw PlatformException.unknownOutcome(
          method.method() + " interrupted while waiting for an answer", e);
    }
  }

  private JsonNode upload(UploadMethod method, ObjectNode target, OutboundFile file)
      throws TelegramApiException, InterruptedException, PlatformException {
    MultipartForm form = new MultipartForm();
    for (Map.Entry<String, JsonNode> field : target.properties()) {
      form.field(field.getKey(), field.getValue().asString());
    }
    if (!file.caption().isEmpty()) {
      form.field("caption", file.caption()); // plain text: no parse_mode
    }
    try {
      form.file(method.field(), file.fileName(), file.mimeType(), file.path());
    } catch (FileNotFoundException e) {
      throw new PlatformException("cannot read " + file.fileName() + " to send it", true, e);
    }
    return api.upload(method.method(), form, UPLOAD_DEADLINE);
  }

  /** Telegram's "file is too big" (400), or a 413 from the Bot API or the proxy before it. */
  private static boolean tooBig(TelegramApiException e) {
    return e.kind() == TelegramApiException.Kind.API_ERROR
        && (e.errorCode() == 413 || (e.errorCode() == 400 && lower(e).contains("file is too big")));
  }

  private static boolean notAPhoto(TelegramApiException e) {
    if (e.kind() != TelegramApiException.Kind.API_ERROR || e.errorCode() != 400) {
      return false;
    }
    String description = lower(e);
    return NOT_A_PHOTO.stream().anyMatch(description::contains);
  }

  private static String lower(TelegramApiException e) {
    return e.getMessage().toLowerCase(Locale.ROOT);
  }
}
