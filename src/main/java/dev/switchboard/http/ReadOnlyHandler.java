package dev.switchboard.http;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * An endpoint that only reports (/health, /ready, /metrics): GET and HEAD get the answer,
 * computed afresh and never cached; any other method gets 405 with {@code Allow: GET, HEAD}.
 */
abstract class ReadOnlyHandler extends Handler.Abstract.NonBlocking {
  /** One answer: status, content type and body. */
  @SuppressWarnings("ArrayRecordComponent") // never compared: it only carries the bytes
  record Answer(int status, String contentType, byte[] body) {}

  /** The answer to this request, computed when it arrives. */
  abstract Answer answer();

  @Override
  public final boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      JsonExchange.settleUnusedBody(request, response);
      Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
      return true;
    }
    Answer a = answer();
    response.setStatus(a.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, a.contentType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, a.body().length);
    if ("HEAD".equals(method)) {
      callback.succeeded();
    } else {
      response.write(true, ByteBuffer.wrap(a.body()), callback);
    }
    return true;
  }
}
