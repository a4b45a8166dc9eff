package dev.switchboard.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A few files from the jar (a page, its script and style; no build step), read once at start.
 * Served with a strict content security policy (only our own scripts and styles, no framing),
 * so text shown on a page could never run anything even if it contained markup.
 */
public final class StaticFiles extends Handler.Abstract.NonBlocking {
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self';"
      + " frame-ancestors 'none'";

  @SuppressWarnings("ArrayRecordComponent") // never compared: it only carries the bytes
  private record File(String type, byte[] bytes) {}

  private final Map<String, File> files = new HashMap<>();
  private final Class<?> anchor;

  /** @param anchor the class next to whose package the files are found */
  public StaticFiles(Class<?> anchor) {
    this.anchor = anchor;
  }

  /** Serves resource {@code name} (next to the anchor class) at {@code path}. */
  public StaticFiles file(String path, String name) {
    try (InputStream in = anchor.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the jar");
      }
      files.put(path, new File(type(name), in.readAllBytes()));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Routes every file's path on {@code server} to this handler. */
  public void mountOn(HttpServer server) {
    files.keySet().forEach(path -> server.route(path, this));
  }

  private static String type(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    } else if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    } else if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    } else if (name.endsWith(".svg")) {
      return "image/svg+xml";
    }
    return "application/octet-stream";
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    File file = files.get(request.getHttpURI().getPath());
    if (file == null) {
      JsonExchange.settleUnusedBody(request, response);
      Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
      return true;
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      JsonExchange.settleUnusedBody(request, response);
      Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
      return true;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, file.type());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, file.bytes().length);
    // Revalidated every time: a new version of the gateway must never run an old page.
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put("Content-Security-Policy", CSP);
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("Referrer-Policy", "no-referrer");
    if (method.equals("HEAD")) {
      callback.succeeded();
    } else {
      response.write(true, ByteBuffer.wrap(file.bytes()), callback);
    }
    return true;
  }
}
