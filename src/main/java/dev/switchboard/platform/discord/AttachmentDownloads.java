package dev.switchboard.platform.discord;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches attachments from Discord's CDN. Attachment URLs are signed ({@code ex}, {@code is},
 * {@code hm}) and need no credentials, so no request here carries the bot token; only URLs
 * {@link AttachmentLinks} allows are fetched, and redirects are not followed (the adapter's
 * HTTP client never follows them), so the request goes where the check said. A signed URL
 * expires after a time Discord presets (its {@code ex} parameter): the CDN then refuses it
 * (404), which becomes a message asking the user to send the file again.
 */
final class AttachmentDownloads {
  private static final Logger log = LoggerFactory.getLogger(AttachmentDownloads.class);
  /** Until the answer's headers arrive; the bytes are read by the caller. */
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final AttachmentLinks links;
  private final String userAgent;

  AttachmentDownloads(HttpClient http, AttachmentLinks links, String userAgent) {
    this.http = http;
    this.links = links;
    this.userAgent = userAgent;
  }

  /** The attachment's bytes, as a stream the caller reads and closes. */
  InputStream open(Attachment attachment) throws PlatformException {
    URI url = links.check(attachment.ref());
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(ANSWER_WAIT)
        .header("User-Agent", userAgent)
        .GET()
        .build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      // Not the URL: its signature is a capability, and it is the sender's file.
      log.warn("discord: downloading from {} failed: {}", url.getHost(), e.toString());
      throw new PlatformException(
          "Discord's file server could not be reached; please send it again",
          PlatformException.Kind.TRANSIENT,
          null,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException(
          "the download from Discord was interrupted", PlatformException.Kind.TRANSIENT, null, e);
    }
    int status = response.statusCode();
    if (status == 200) {
      return response.body();
    }
    discard(response.body());
    log.info("discord: the CDN answered HTTP {} for an attachment", status);
    if (status == 404 || status == 403 || status == 410) {
      throw new PlatformException(
          "the file's link on Discord has expired; please send it again", true);
    }
    if (status == 429 || status >= 500) {
      throw new PlatformException(
          "Discord's file server is not answering (HTTP " + status + "); please send it again",
          PlatformException.Kind.TRANSIENT,
          null,
          null);
    }
    throw new PlatformException(
        "Discord's file server refused the download (HTTP " + status + ")", true);
  }

  /** Closed unread: an error page is not worth its bytes, and closing ends the exchange. */
  private static void discard(InputStream body) {
    try {
      body.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
