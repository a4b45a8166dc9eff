package dev.switchboard.media;

import dev.switchboard.common.PrivateAddresses;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the files a reply names ({@link ReplyFiles}) into files in the attachment store, ready
 * to send: an inline {@code data:} URL decoded, an {@code https:} address fetched, a {@code
 * MEDIA:} path read. Each within the size limit; a web address only when it leads to a public
 * host (a reply must not make the gateway fetch from the machine or network it runs in, unless
 * {@code media.fetch_private_addresses} allows it), and a local file only inside {@code
 * media.outbound_dir}, after links are followed.
 */
public final class OutgoingFiles {
  private static final Logger log = LoggerFactory.getLogger(OutgoingFiles.class);
  private static final Pattern DATA_URL = Pattern.compile(
      "data:([\\w.+-]+/[\\w.+-]+)?((?:;[\\w-]+=[^;,]*)*);base64,(.*)", Pattern.DOTALL);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_REDIRECTS = 3;

  private final AttachmentStore store;
  private final MediaSettings settings;
  private @Nullable HttpClient http;

  /** A file ready to send, or why it cannot be. */
  public sealed interface Outcome {}

  /** In the store, with what the chat needs to show it. */
  public record Ready(
      AttachmentStore.StoredFile file, AttachmentKind kind, String mimeType, String fileName)
      implements Outcome {}

  /** Cannot be sent; {@code why} is for the user. */
  public record Refused(String why) implements Outcome {}

  /**
   * Its HTTP client is made at the first fetch: making one (the JDK's default TLS context
   * included) was a sixth of the main thread's work in a start, for replies that rarely name a
   * web address.
   */
  public OutgoingFiles(AttachmentStore store, MediaSettings settings) {
    this(store, settings, (HttpClient) null);
  }

  OutgoingFiles(AttachmentStore store, MediaSettings settings, @Nullable HttpClient http) {
    this.store = store;
    this.settings = settings;
    this.http = http;
  }

  private synchronized HttpClient http() {
    if (http == null) {
      http = HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
    }
    return http;
  }

  public Outcome resolve(ReplyFiles.Source source) throws InterruptedException {
    try {
      return switch (source) {
        case ReplyFiles.DataUrl d -> decode(d.url());
        case ReplyFiles.WebAddress w -> fetch(w.url(), 0);
        case ReplyFiles.LocalPath p -> read(p.path());
      };
    } catch (AttachmentStore.TooLargeException e) {
      return new Refused(
          "it is larger than the " + megabytes(settings.maxFileBytes()) + " this gateway sends");
    } catch (IOException e) {
      log.warn("could not make {} ready to send: {}", source.label(), e.toString());
      return new Refused("it could not be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Keeps a file brought to the gateway to send ({@code switchboard send --file}, {@code POST
   * /v1/send}) in the store: at most {@code media.max_file_mb} ({@link
   * AttachmentStore.TooLargeException} beyond), its type as declared, or guessed from its name
   * when the sender did not know it.
   */
  public Ready keep(String fileName, @Nullable String mimeType, InputStream in) throws IOException {
    String declared =
        mimeType == null ? "" : mimeType.replaceFirst(";.*$", "").strip().toLowerCase(Locale.ROOT);
    String mime =
        declared.isEmpty() || declared.equals(Attachment.UNKNOWN_TYPE) || !declared.contains("/")
            ? guessType(fileName)
            : declared;
    AttachmentStore.StoredFile file = store.put(in, settings.maxFileBytes());
    return new Ready(file, AttachmentKind.ofMimeType(mime), mime, fileName);
  }

  /** Keeps {@code ready}'s file from the attachment sweep until the hold is closed. */
  public AttachmentStore.Hold hold(Ready ready) {
    return store.hold(ready.file());
  }

  /** The largest file the gateway sends (media.max_file_mb), in bytes. */
  public long maxFileBytes() {
    return settings.maxFileBytes();
  }

  private Outcome decode(String url) throws IOException {
    Matcher m = DATA_URL.matcher(url);
    if (!m.matches()) {
      return new Refused("only base64 data: URLs can be sent");
    }
    String mime =
        m.group(1) == null ? "application/octet-stream" : m.group(1).toLowerCase(Locale.ROOT);
    String base64 = m.group(3);
    if (base64.length() / 4L * 3 > settings.maxFileBytes() + 3) {
      throw new AttachmentStore.TooLargeException(settings.maxFileBytes());
    }
    byte[] bytes;
    try {
      // The strict decoder, after line breaks: the MIME one skips what is not base64 at all.
      bytes = Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      return new Refused("its data: URL is not valid base64");
    }
    if (bytes.length == 0) {
      return new Refused("its data: URL holds nothing");
    }
    AttachmentStore.StoredFile file =
        store.put(new ByteArrayInputStream(bytes), settings.maxFileBytes());
    return new Ready(file, AttachmentKind.ofMimeType(mime), mime, "file" + extensionFor(mime));
  }

  private Outcome fetch(String url, int redirects) throws IOException, InterruptedException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return new Refused("its address is not a valid URL");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      return new Refused("only https: addresses are fetched");
    }
    Optional<String> blocked = blockedHost(uri.getHost());
    if (blocked.isPresent()) {
      return new Refused(blocked.get());
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).GET().build();
    HttpResponse<InputStream> response =
        http().send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status >= 300 && status < 400) {
        Optional<String> next = response.headers().firstValue("location");
        if (next.isEmpty() || redirects >= MAX_REDIRECTS) {
          return new Refused("its address redirects too often");
        }
        return fetch(uri.resolve(next.get()).toString(), redirects + 1);
      }
      if (status != 200) {
        return new Refused("fetching it answered HTTP " + status);
      }
      long length = response.headers().firstValueAsLong("content-length").orElse(-1);
      if (length > settings.maxFileBytes()) {
        throw new AttachmentStore.TooLargeException(settings.maxFileBytes());
      }
      String mime = response
          .headers()
          .firstValue("content-type")
          .map(t -> t.replaceFirst(";.*$", "").strip().toLowerCase(Locale.ROOT))
          .filter(t -> !t.isEmpty())
          .orElseGet(() -> guessType(uri.getPath()));
      AttachmentStore.StoredFile file = store.put(body, settings.maxFileBytes());
      return new Ready(file, AttachmentKind.ofMimeType(mime), mime, nameFrom(uri.getPath(), mime));
    }
  }

  /** Why a host may not be fetched from, if it may not. */
  private Optional<String> blockedHost(String host) throws UnknownHostException {
    if (settings.fetchPrivateAddresses() || PrivateAddresses.firstPrivate(host).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of("its address is on a private network, which replies may not fetch"
        + " from (media.fetch_private_addresses)");
  }

  private Outcome read(String named) throws IOException {
    @Nullable Path root = settings.outboundDir();
    if (root == null) {
      return new Refused("sending local files is off (set media.outbound_dir)");
    }
    Path allowed = root.toRealPath();
    Path asked = allowed.resolve(named).normalize();
    if (!Files.exists(asked, LinkOption.NOFOLLOW_LINKS) && !Files.exists(asked)) {
      return new Refused("there is no such file in " + root);
    }
    Path real = asked.toRealPath();
    if (!real.startsWith(allowed)) {
      log.warn("a reply asked to send {}, outside media.outbound_dir ({}); refused", named, root);
      return new Refused("it is outside the folder replies may send from");
    }
    if (!Files.isRegularFile(real)) {
      return new Refused("it is not a file");
    }
    if (Files.size(real) > settings.maxFileBytes()) {
      throw new AttachmentStore.TooLargeException(settings.maxFileBytes());
    }
    String name = real.getFileName().toString();
    String mime = guessType(name);
    try (InputStream in = Files.newInputStream(real)) {
      return new Ready(
          store.put(in, settings.maxFileBytes()), AttachmentKind.ofMimeType(mime), mime, name);
    }
  }

  private static String guessType(String name) {
    String t = URLConnection.guessContentTypeFromName(name);
    return t == null ? Attachment.UNKNOWN_TYPE : t.toLowerCase(Locale.ROOT);
  }

  private static String nameFrom(String path, String mime) {
    String last = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    if (last.isBlank()) {
      return "file" + extensionFor(mime);
    }
    return last.contains(".") ? last : last + extensionFor(mime);
  }

  private static String extensionFor(String mime) {
    return switch (mime) {
      case "image/png" -> ".png";
      case "image/jpeg" -> ".jpg";
      case "image/gif" -> ".gif";
      case "image/webp" -> ".webp";
      case "audio/ogg" -> ".ogg";
      case "audio/mpeg" -> ".mp3";
      case "application/pdf" -> ".pdf";
      case "text/plain" -> ".txt";
      default -> "";
    };
  }

  private static String megabytes(long bytes) {
    return (bytes / (1024 * 1024)) + " MB";
  }
}
