package dev.switchboard.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reading a JSON request body and writing a JSON answer, the same way for every endpoint. */
public final class JsonExchange {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private JsonExchange() {}

  public static JsonMapper json() {
    return JSON;
  }

  /** A request the client must change; its message is shown to the client. */
  public static final class BadRequest extends Exception {
    private final int status;
    private final String message;

    public BadRequest(int status, String message) {
      super(message, null, false, false);
      this.status = status;
      this.message = message;
    }

    /** What the client is told; unlike an exception's message in general, never null. */
    @Override
    public String getMessage() {
      return message;
    }

    public int status() {
      return status;
    }
  }

  /** Whether the request says its body is JSON. */
  public static boolean isJson(Request request) {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json");
  }

  /**
   * The body as a JSON object. Needs {@code Content-Type: application/json}, which also keeps
   * other sites' pages from posting here without a CORS preflight we never grant, and UTF-8
   * (RFC 8259 allows nothing else).
   */
  public static ObjectNode readObject(Request request) throws BadRequest {
    if (!isJson(request)) {
      throw new BadRequest(415, "send the body as JSON with Content-Type: application/json");
    }
    String body;
    try {
      body = StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(readBody(request)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadRequest(400, "the body is not valid UTF-8");
    }
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (StreamConstraintsException e) {
      throw new BadRequest(
          400,
          "the body is not acceptable JSON: it nests too deeply, or holds too long a number"
              + " or string");
    } catch (JacksonException e) {
      throw new BadRequest(400, "the body is not valid JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw new BadRequest(400, "the body must be a JSON object");
    }
    return object;
  }

  /**
   * The whole body, at most {@link HttpServer#MAX_REQUEST_BYTES}: 413 beyond, 408 when it
   * arrives too slowly, 400 when it ends early.
   */
  public static byte[] readBody(Request request) throws BadRequest {
    byte[] bytes;
    try (InputStream in = Content.Source.asInputStream(request)) {
      bytes = in.readNBytes((int) HttpServer.MAX_REQUEST_BYTES + 1);
    } catch (IOException | RuntimeException e) {
      throw unreadable(e);
    }
    if (bytes.length > HttpServer.MAX_REQUEST_BYTES) {
      throw new BadRequest(413, JsonErrors.message(413));
    }
    return bytes;
  }

  /**
   * Copies the whole body to {@code sink}, at most {@code limit} bytes, for a body too large to
   * hold in memory: 413 beyond the limit, 408 when it arrives too slowly, 400 when it ends
   * early. A sink that fails to take it is an {@link IOException}.
   */
  public static long copyBody(Request request, OutputStream sink, long limit)
      throws BadRequest, IOException {
    long copied = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Content.Source.asInputStream(request)) {
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (IOException | RuntimeException e) {
          BadRequest why = unreadable(e);
          throw why.status() == 413 ? new BadRequest(413, JsonErrors.tooLarge(limit)) : why;
        }
        if (n < 0) {
          return copied;
        }
        copied += n;
        if (copied > limit) {
          throw new BadRequest(413, JsonErrors.tooLarge(limit));
        }
        sink.write(buffer, 0, n);
      }
    }
  }

  /** Why a body could not be read, from what the server's limits failed it with. */
  @SuppressWarnings("ReferenceEquality") // a cause that is its own cause ends the walk
  private static BadRequest unreadable(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
        return new BadRequest(http.getCode(), JsonErrors.message(http.getCode()));
      }
      if (cause instanceof TimeoutException) {
        return new BadRequest(408, "the request body arrived too slowly");
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return new BadRequest(400, "the request body could not be read in full");
  }

  public static void send(Response response, Callback callback, int status, JsonNode body) {
    byte[] bytes = (JSON.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  /** How much of a refused request's body is read and dropped before answering it. */
  static final long REFUSED_BODY_READ_LIMIT = 1024 * 1024;

  /**
   * For a request answered without its body being used (refused by a login, origin or method
   * check, or a route that takes none, such as creating a chat): a body of at most {@link
   * #REFUSED_BODY_READ_LIMIT} is read and dropped first. Answering while the client is still
   * sending makes Jetty close the connection under it, after the answer or before the client
   * read it, and a client that reuses the connection or meets the reset mid-upload gets no
   * answer at all (Java's HttpClient: "header parser received no bytes"). A larger body, or one
   * that cannot be read, is not waited for: {@link #lastOnConnectionIfBodyUnread} then.
   */
  public static void settleUnusedBody(Request request, Response response) {
    settleUnusedBody(request, response, REFUSED_BODY_READ_LIMIT);
  }

  /** {@link #settleUnusedBody(Request, Response)} for a body of at most {@code readLimit}. */
  static void settleUnusedBody(Request request, Response response, long readLimit) {
    long length = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    if (length <= 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
      return;
    }
    // A client that waits for "100 Continue" has sent nothing yet: reading would invite the
    // upload only to drop it.
    boolean waitsToSend = request.getHeaders().contains(HttpHeader.EXPECT, "100-continue");
    if (waitsToSend || length > readLimit || !readToEnd(request, readLimit)) {
      lastOnConnectionIfBodyUnread(request, response);
    }
  }

  /**
   * Marks the answer to a refused request as the last on its connection when the request came
   * with a body. The refusal may be written before that body was read, or even arrived; Jetty
   * then closes the connection after the answer, and a client that was not told so may send its
   * next request on a connection that is closing (it gets no answer at all).
   */
  public static void lastOnConnectionIfBodyUnread(Request request, Response response) {
    HttpFields headers = request.getHeaders();
    if (headers.getLongField(HttpHeader.CONTENT_LENGTH) > 0
        || headers.contains(HttpHeader.TRANSFER_ENCODING)) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
  }

  /** Reads and drops the rest of the body; false when more than {@code limit} bytes are left. */
  private static boolean readToEnd(Request request, long limit) {
    byte[] buffer = new byte[16 * 1024];
    long read = 0;
    try (InputStream in = Content.Source.asInputStream(request)) {
      while (read <= limit) {
        int n = in.read(buffer);
        if (n < 0) {
          return true;
        }
        read += n;
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** {@code {"error": message}}. */
  public static void error(Response response, Callback callback, int status, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    send(response, callback, status, body);
  }

  /** An answer without a body. */
  public static void empty(Response response, Callback callback, int status) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, null, callback);
  }
}
