package dev.switchboard.platform.whatsapp;

import dev.switchboard.common.MultipartForm;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Media over the Cloud API. A download asks {@code GET /<media-id>} for a short-lived URL and
 * fetches it with the access token; an upload is {@code POST /<phone-number-id>/media}
 * (multipart: file, type, messaging_product) whose id a message then names. WhatsApp takes
 * images (JPEG, PNG) up to 5 MB, video (MP4, 3GPP) and audio up to 16 MB and documents up to
 * 100 MB; a file that does not fit its kind goes as a document.
 */
final class WhatsAppMedia {
  /** 100 MB both ways (documents; media kinds less), captions of 1,024 characters. */
  static final FileLimits LIMITS = FileLimits.megabytes(100, 100, 1024);

  static final String TOO_BIG_TO_DOWNLOAD =
      "the file is larger than the 100 MB WhatsApp lets businesses download";

  private static final long MB = 1024L * 1024;
  private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png");
  private static final Set<String> VIDEO_TYPES = Set.of("video/mp4", "video/3gpp");
  private static final Set<String> AUDIO_TYPES =
      Set.of("audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg");
  private static final Duration LOOKUP_DEADLINE = Duration.ofSeconds(30);
  /** 100 MB at 350 KB/s; a transfer still running by then is stalled, not slow. */
  private static final Duration TRANSFER_DEADLINE = Duration.ofMinutes(5);

  /** Meta's media hosts (lookaside.fbsbx.com today), by their domains. */
  private static final List<String> META_DOMAINS =
      List.of(".fbsbx.com", ".facebook.com", ".fbcdn.net", ".whatsapp.net");

  private final GraphApi api;
  private final String phoneNumberId;
  private final URI apiUrl;

  WhatsAppMedia(GraphApi api, String phoneNumberId, URI apiUrl) {
    this.api = api;
    this.phoneNumberId = phoneNumberId;
    this.apiUrl = apiUrl;
  }

  /** A media URL on one of Meta's domains over HTTPS, or on the configured api_url's host. */
  boolean trusted(URI url) {
    String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
    if (host.equalsIgnoreCase(apiUrl.getHost()) && url.getScheme().equals(apiUrl.getScheme())) {
      return true;
    }
    return url.getScheme().equals("https") && META_DOMAINS.stream().anyMatch(host::endsWith);
  }

  /** The bytes of a file a message carried; {@code attachment.ref()} is its media id. */
  InputStream download(Attachment attachment) throws PlatformException {
    if (!attachment.ref().matches("\\d{1,40}")) {
      // Media ids are numbers; anything else would be a path of its own in the Graph API.
      throw new PlatformException("not a WhatsApp media id: " + attachment.ref(), true);
    }
    try {
      JsonNode media = api.get(attachment.ref(), LOOKUP_DEADLINE);
      if (media.path("file_size").asLong(-1) > LIMITS.maxDownloadBytes()) {
        throw new PlatformException(TOO_BIG_TO_DOWNLOAD, true);
      }
      String url = media.path("url").asString("");
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null || uri.getScheme() == null || !uri.getScheme().matches("https?")) {
        throw new PlatformException("WhatsApp did not say where to fetch the file", true);
      }
      if (!trusted(uri)) {
        // The token goes with the download: never to a host that is not Meta's (or api_url's).
        throw new PlatformException(
            "WhatsApp named a media URL on a host that is not Meta's (" + uri.getHost() + ")",
            true);
      }
      return api.download(uri, TRANSFER_DEADLINE);
    } catch (GraphApiException e) {
      if (e.kind() == GraphApiException.Kind.API_ERROR
          && (e.httpStatus() == 404 || e.code() == 100)) {
        throw new PlatformException(
            "WhatsApp no longer has the file (media is kept for 30 days)", true, e);
      }
      throw e.classified(false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException(
          "download interrupted", PlatformException.Kind.TRANSIENT, null, e);
    }
  }

  /** Uploads {@code file} and returns its media id. */
  String upload(OutboundFile file, String mimeType) throws PlatformException {
    try {
      MultipartForm form = new MultipartForm()
          .field("messaging_product", "whatsapp")
          .field("type", mimeType)
          .file("file", file.fileName(), mimeType, file.path());
      JsonNode answer = api.upload(phoneNumberId + "/media", form, TRANSFER_DEADLINE);
      String id = answer.path("id").asString("");
      if (id.isEmpty()) {
        throw new PlatformException("WhatsApp took the upload but gave no media id", true);
      }
      return id;
    } catch (GraphApiException e) {
      // An upload makes no message, so one that got no answer can only be retried.
      throw e.classified(false);
    } catch (IOException e) {
      throw new PlatformException("could not read the file to upload: " + e.getMessage(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("upload interrupted", PlatformException.Kind.TRANSIENT, null, e);
    }
  }

  /**
   * The message type a file goes as: image, video or audio when WhatsApp takes its format and
   * size as one, else a document.
   */
  static String messageType(OutboundFile file) {
    String mime = baseType(file.mimeType());
    AttachmentKind kind = file.kind();
    if (kind.visual() && IMAGE_TYPES.contains(mime) && file.size() <= 5 * MB) {
      return "image";
    }
    if (kind == AttachmentKind.VIDEO && VIDEO_TYPES.contains(mime) && file.size() <= 16 * MB) {
      return "video";
    }
    if (kind.audible() && AUDIO_TYPES.contains(mime) && file.size() <= 16 * MB) {
      return "audio";
    }
    return "document";
  }

  /** "audio/ogg; codecs=opus" is "audio/ogg". */
  static String baseType(String mimeType) {
    int semi = mimeType.indexOf(';');
    return (semi < 0 ? mimeType : mimeType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }
}
