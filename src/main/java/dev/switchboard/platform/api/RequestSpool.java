package dev.switchboard.platform.api;

import dev.switchboard.common.OwnerOnly;
import dev.switchboard.http.JsonExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files one request keeps on disk while it is answered: its body, and the images it named
 * by address, fetched. A body may hold 64 MB of base64, far more than the gateway's heap can
 * spare, so it is written here as it arrives and read back in pieces; the files (owner-only)
 * are deleted when the request ends. Those of a process that died are deleted at the next
 * start ({@link #clear}): an API request is never answered after a restart, so its files are
 * of no use to anyone then.
 */
final class RequestSpool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RequestSpool.class);

  private final Path dir;
  private final List<Path> files = new CopyOnWriteArrayList<>();

  RequestSpool(Path dir) {
    this.dir = dir;
  }

  /** Makes the folder, owner-only, and deletes what a process before this one left in it. */
  static void clear(Path dir) throws IOException {
    OwnerOnly.createDirectories(dir);
    try (DirectoryStream<Path> left = Files.newDirectoryStream(dir)) {
      for (Path f : left) {
        Files.deleteIfExists(f);
      }
    }
  }

  /** A new empty file of this request (created owner-only, as temporary files are). */
  Path newFile() throws IOException {
    Path f = Files.createTempFile(dir, "request-", ".part");
    files.add(f);
    return f;
  }

  /** The request's body, written to a new file of this spool as it arrives. */
  Path body(Request request) throws ApiError, IOException {
    Path file = newFile();
    try (OutputStream out = Files.newOutputStream(file)) {
      JsonExchange.copyBody(request, out, ApiServerAdapter.MAX_REQUEST_BYTES);
    } catch (JsonExchange.BadRequest e) {
      throw new ApiError(e.status(), "invalid_request_error", null, null, e.getMessage());
    }
    return file;
  }

  @Override
  public void close() {
    for (Path f : files) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        log.warn("api: could not delete {}: {}", f, e.toString());
      }
    }
    files.clear();
  }
}
