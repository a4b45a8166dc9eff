package dev.switchboard.platform.telegram.fake;

import dev.switchboard.platform.telegram.fake.TelegramHtmlParser.Parsed;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageIO;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * getFile, and the sends of files: sendPhoto, sendDocument, sendVoice, sendAudio and sendVideo,
 * each taking its file as a multipart upload in the field named as the method's parameter
 * ("photo", "document", "voice", "audio", "video"), with chat_id, message_thread_id and an
 * optional caption (0-1024 characters after entities parsing, parse_mode as for sendMessage).
 * Each answers with the sent Message, whose matching field describes the file (a PhotoSize
 * array, a Document, Voice, Audio or Video object) and whose caption is the caption.
 *
 * <p>As Telegram: a request over 50 MB is a 413 "Request Entity Too Large"; a photo that is no
 * decodable image is "IMAGE_PROCESS_FAILED", one whose width and height exceed 10000 in total or
 * whose sides differ by more than 20 times is "PHOTO_INVALID_DIMENSIONS"; a method without its
 * file is "there is no photo in the request". Sending a file again by its file_id or by URL is
 * not modelled: the fake takes new uploads only.
 */
final class MediaMethods {
  /** The Bot API's upload limit ("50 MB for other files"). */
  static final long MAX_UPLOAD = 50L * 1024 * 1024;

  private final ChatStore store;
  private final FileStore files;
  private final FloodControl flood;
  private final TelegramObjects objects;

  MediaMethods(ChatStore store, FileStore files, FloodControl flood, TelegramObjects objects) {
    this.store = store;
    this.files = files;
    this.flood = flood;
    this.objects = objects;
  }

  ApiResult getFile(ApiRequest r) {
    String id = r.string("file_id").orElse("").strip();
    if (id.isEmpty()) {
      throw ApiException.badRequest("file_id not specified");
    }
    FileStore.StoredFile f =
        files.byId(id).orElseThrow(() -> ApiException.badRequest("invalid file_id"));
    if (!f.downloadable()) {
      throw ApiException.badRequest("file is too big");
    }
    ObjectNode file = objects.object();
    file.put("file_id", f.fileId());
    file.put("file_unique_id", f.uniqueId());
    file.put("file_size", f.size());
    file.put("file_path", f.path());
    return ApiResult.of(file);
  }

  ApiResult sendPhoto(ApiRequest r) {
    return send(r, "photo", (upload, stored) -> {
      ArrayNode sizes = objects.array();
      BufferedImage image = image(upload);
      ObjectNode size = file(sizes.addObject(), stored);
      size.put("width", image.getWidth());
      size.put("height", image.getHeight());
      return sizes;
    });
  }

  ApiResult sendDocument(ApiRequest r) {
    return send(r, "document", (upload, stored) -> {
      ObjectNode d = objects.object();
      d.put("file_name", upload.fileName());
      d.put("mime_type", type(upload, "application/octet-stream"));
      return file(d, stored);
    });
  }

  ApiResult sendVoice(ApiRequest r) {
    return send(r, "voice", (upload, stored) -> {
      ObjectNode v = objects.object();
      v.put("duration", r.intArg("duration", 0, 0, Integer.MAX_VALUE));
      v.put("mime_type", type(upload, "audio/ogg"));
      return file(v, stored);
    });
  }

  ApiResult sendAudio(ApiRequest r) {
    return send(r, "audio", (upload, stored) -> {
      ObjectNode a = objects.object();
      a.put("duration", r.intArg("duration", 0, 0, Integer.MAX_VALUE));
      r.string("performer").ifPresent(p -> a.put("performer", p));
      r.string("title").ifPresent(t -> a.put("title", t));
      a.put("file_name", upload.fileName());
      a.put("mime_type", type(upload, "audio/mpeg"));
      return file(a, stored);
    });
  }

  ApiResult sendVideo(ApiRequest r) {
    return send(r, "video", (upload, stored) -> {
      ObjectNode v = objects.object();
      v.put("width", r.intArg("width", 0, 0, Integer.MAX_VALUE));
      v.put("height", r.intArg("height", 0, 0, Integer.MAX_VALUE));
      v.put("duration", r.intArg("duration", 0, 0, Integer.MAX_VALUE));
      v.put("file_name", upload.fileName());
      v.put("mime_type", type(upload, "video/mp4"));
      return file(v, stored);
    });
  }

  /** Describes an upload as the Message field of its kind; throws what Telegram would refuse. */
  @FunctionalInterface
  private interface Description {
    JsonNode of(Upload upload, FileStore.StoredFile stored);
  }

  private ApiResult send(ApiRequest r, String field, Description description) {
    long chatId = MessageMethods.chatId(r);
    ChatInfo chat = store.chat(chatId).orElseThrow(() -> ApiException.badRequest("chat not found"));
    Upload upload = r.upload(field).orElse(null);
    if (upload == null) {
      if (r.has(field)) {
        throw ApiException.badRequest("the fake takes a " + field + " only as an upload");
      }
      throw ApiException.badRequest("there is no " + field + " in the request");
    }
    if (upload.size() > MAX_UPLOAD) {
      throw new ApiException(413, "Request Entity Too Large", null);
    }
    if (upload.size() == 0) {
      throw ApiException.badRequest("file must be non-empty");
    }
    String raw = r.string("caption").orElse("");
    String parseMode = MessageText.parseMode(r);
    Parsed caption = MessageText.caption(raw, parseMode);
    if (field.equals("photo")) {
      image(upload); // refused before anything is kept
    }
    FileStore.StoredFile stored =
        files.add(directory(field), extension(upload, field), upload.content());
    ChatStore.Media media = new ChatStore.Media(field, description.of(upload, stored), upload);
    flood.acquire(chatId, chat.isGroup());
    return ApiResult.of(store.send(new ChatStore.Outgoing(
        chatId,
        caption,
        raw,
        parseMode,
        MessageMethods.optionalInt(r, "message_thread_id"),
        null,
        false,
        null,
        media)));
  }

  private static BufferedImage image(Upload upload) {
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(upload.content()));
    } catch (IOException e) {
      image = null;
    }
    if (image == null) {
      throw ApiException.badRequest("IMAGE_PROCESS_FAILED");
    }
    int w = image.getWidth();
    int h = image.getHeight();
    if (w + h > 10_000 || Math.max(w, h) > 20L * Math.min(w, h)) {
      throw ApiException.badRequest("PHOTO_INVALID_DIMENSIONS");
    }
    return image;
  }

  private static ObjectNode file(ObjectNode o, FileStore.StoredFile stored) {
    o.put("file_id", stored.fileId());
    o.put("file_unique_id", stored.uniqueId());
    o.put("file_size", stored.size());
    return o;
  }

  private static String type(Upload upload, String fallback) {
    String t = upload.contentType();
    return t == null || t.isBlank() ? fallback : t.toLowerCase(Locale.ROOT);
  }

  private static String directory(String field) {
    return switch (field) {
      case "photo" -> "photos";
      case "voice" -> "voice";
      case "audio" -> "music";
      case "video" -> "videos";
      default -> "documents";
    };
  }

  private static String extension(Upload upload, String field) {
    if (field.equals("photo")) {
      return "jpg"; // Telegram re-encodes photos as JPEG
    }
    String name = upload.fileName();
    int dot = name.lastIndexOf('.');
    return dot < 0 || dot == name.length() - 1 ? "" : name.substring(dot + 1);
  }
}
