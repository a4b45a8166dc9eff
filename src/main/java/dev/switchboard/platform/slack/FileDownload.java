package dev.switchboard.platform.slack;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.PlatformException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Fetches a file a user shared: GET its {@code url_private(_download)} with the bot token, as
 * Slack requires. The token goes to Slack's file host alone ({@code files_base_url}): a URL
 * anywhere else is refused before any request, and a redirect is followed only when it stays
 * there, so a forged or odd file object can make the gateway leak its token to no one.
 *
 * <p>Without the {@code files:read} scope Slack answers with its sign-in page (200, HTML) or a
 * redirect to it instead of the file; both are refused with words naming the missing scope,
 * never stored as the user's file.
 */
final class FileDownload {
  private static final Duration HEADERS_DEADLINE = Duration.ofSeconds(60);
  private static final int MAX_REDIRECTS = 3;
  /** Enough of the body to tell an HTML page from a file. */
  private static final int SNIFF_BYTES = 256;

  static final String NEEDS_FILES_READ = "the Slack app needs the files:read scope (add it under"
      + " OAuth & Permissions, then reinstall the app)";

  private final HttpClient http;
  private final URI fileHost;

  /** @param http must not follow redirects itself (the token would go along) */
  FileDownload(HttpClient http, URI fileHost) {
    if (http.followRedirects() != HttpClient.Redirect.NEVER) {
      throw new IllegalArgumentException("the download client must not follow redirects");
    }
    this.http = http;
    this.fileHost = fileHost;
  }

  InputStream open(Attachment attachment, String token) throws PlatformException {
    URI url = onFileHost(attachment.ref())
        .orElseThrow(() -> new PlatformException(
            "the file is not on Slack's file host (" + hostOf(attachment.ref())
                + "), so it was not fetched",
            true));
    try {
      for (int hop = 0; ; hop++) {
        HttpResponse<InputStream> response = get(url, token);
        int status = response.statusCode();
        if (status / 100 == 3 && hop < MAX_REDIRECTS) {
          url = redirectOnFileHost(response, url);
          continue;
        }
        if (status == 200) {
          return checkedBody(response, attachment);
        }
        response.body().close();
        throw refusal(status, response);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("the download from Slack was stopped", false, null);
    } catch (IOException e) {
      // Only the exception's type: its words could hold the file's URL.
      throw new PlatformException(
          "the download from Slack broke off (" + e.getClass().getSimpleName() + ")", false);
    }
  }

  /** The URL when it is on the file host: same scheme, host and port, within its path. */
  Optional<URI> onFileHost(String ref) {
    URI url;
    try {
      url = new URI(ref).normalize();
    } catch (Exception e) {
      return Optional.empty();
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    String base = fileHost.getRawPath() == null ? "" : fileHost.getRawPath();
    boolean same = url.getScheme() != null
        && url.getScheme().equalsIgnoreCase(fileHost.getScheme())
        && url.getRawUserInfo() == null
        && url.getHost() != null
        && url.getHost().equalsIgnoreCase(fileHost.getHost())
        && port(url) == port(fileHost)
        && (base.isEmpty() || path.equals(base) || path.startsWith(base + "/"))
        && !path.contains("/../");
    return same ? Optional.of(url) : Optional.empty();
  }

  private static int port(URI u) {
    if (u.getPort() != -1) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  private static String hostOf(String ref) {
    try {
      String host = new URI(ref).getHost();
      return host == null ? "no host" : host;
    } catch (Exception e) {
      return "not a URL";
    }
  }

  private HttpResponse<InputStream> get(URI url, String token)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(HEADERS_DEADLINE)
        .header("Authorization", "Bearer " + token)
        .GET()
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
  }

  private URI redirectOnFileHost(HttpResponse<InputStream> response, URI from)
      throws IOException, PlatformException {
    response.body().close();
    String location = response.headers().firstValue("Location").orElse("");
    URI target;
    try {
      target = from.resolve(location);
    } catch (IllegalArgumentException e) {
      throw new PlatformException("Slack redirected the download to an unreadable address", true);
    }
    return onFileHost(target.toString())
        .orElseThrow(() -> new PlatformException(
            "Slack sent the download away from its file host (to " + hostOf(target.toString())
                + "), as it does when " + NEEDS_FILES_READ,
            true));
  }

  /** The body, unless it is Slack's sign-in page where the file should be. */
  private static InputStream checkedBody(HttpResponse<InputStream> response, Attachment a)
      throws IOException, PlatformException {
    InputStream body = new BufferedInputStream(response.body());
    boolean htmlFile = a.mimeType().toLowerCase(Locale.ROOT).startsWith("text/html");
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (!htmlFile
        && (type.toLowerCase(Locale.ROOT).startsWith("text/html") || looksLikeHtml(body))) {
      body.close();
      throw new PlatformException(
          "Slack answered with its sign-in page instead of the file: " + NEEDS_FILES_READ, true);
    }
    return body;
  }

  private static boolean looksLikeHtml(InputStream body) throws IOException {
    body.mark(SNIFF_BYTES);
    byte[] head = body.readNBytes(SNIFF_BYTES);
    body.reset();
    String start =
        new String(head, StandardCharsets.ISO_8859_1).stripLeading().toLowerCase(Locale.ROOT);
    return start.startsWith("<!doctype html") || start.startsWith("<html");
  }

  private static PlatformException refusal(int status, HttpResponse<?> response) {
    if (status == 404 || status == 410) {
      return new PlatformException("the file is gone from Slack", true);
    }
    if (status == 401 || status == 403) {
      return new PlatformException(
          "Slack refused the download (HTTP " + status + "): " + NEEDS_FILES_READ
              + ", and access to the conversation",
          true);
    }
    if (status == 429) {
      Duration wait = SlackWebApi.retryAfter(response);
      return PlatformException.rateLimited(
          "Slack is limiting file downloads; please send it again in " + wait.toSeconds() + " s",
          wait);
    }
    if (status >= 500) {
      return new PlatformException(
          "Slack's file service failed (HTTP " + status + "); please send it again", false);
    }
    return new PlatformException("Slack answered the download with HTTP " + status, true);
  }
}
