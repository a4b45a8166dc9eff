package dev.switchboard.media.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI-compatible audio server for tests, on loopback, speaking the published wire format
 * of OpenAI's audio API:
 *
 * <ul>
 *   <li>{@code POST /v1/audio/transcriptions}: {@code multipart/form-data} with a {@code file}
 *       part (its format told by the file name's extension: flac, mp3, mp4, mpeg, mpga, m4a,
 *       ogg, wav or webm; anything else is answered 400 "Invalid file format"), {@code model}
 *       (required), optional {@code language}, {@code response_format} ({@code json} answers
 *       {@code {"text": "...", "usage": {...}}}, {@code text} the bare text); a body over
 *       25 MiB is answered 413.
 *   <li>{@code POST /v1/audio/speech}: JSON {@code {"model", "input", "voice",
 *       "response_format"}} ({@code input} at most 4,096 characters), answered with the audio
 *       bytes: for {@code opus} a real Ogg/Opus file, the test fixture {@code
 *       media/voice-note.ogg}; for {@code mp3} an ID3 tag and an MPEG frame header.
 * </ul>
 *
 * <p>Errors have OpenAI's shape {@code {"error":{"message","type","param","code"}}}; with a key
 * required, a request without it is answered 401 {@code invalid_api_key}, and the message
 * echoes the key sent, so that tests can prove the client masks it. The multipart body is read
 * with Jetty's parser, not with anything of the code under test. Each request is recorded;
 * {@link #then} queues answers that replace the default one.
 */
public final class FakeAudioServer implements AutoCloseable {
  public static final String FIXTURE = "/media/voice-note.ogg";
  /** OpenAI refuses uploads larger than this with 413. */
  public static final long MAX_UPLOAD = 25L * 1024 * 1024;

  public static final int MAX_INPUT_CHARS = 4096;

  private static final Set<String> FORMATS =
      Set.of("flac", "mp3", "mp4", "mpeg", "mpga", "m4a", "ogg", "wav", "webm");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A file part as received. */
  public record FilePart(String fileName, String contentType, byte[] bytes) {}

  /** A transcription request as received. */
  public record Transcription(
      String path,
      String authorization,
      String contentType,
      String contentLength,
      Map<String, String> fields,
      FilePart file) {}

  /** A speech request as received. */
  public record Speech(String path, String authorization, String contentType, JsonNode body) {}

  /** An answer that replaces the default one. */
  public static final class Reply {
    private int status = 200;
    private String contentType = "application/json";
    private byte[] body = new byte[0];
    private boolean hold;
    private boolean stallBody;

    private Reply() {}

    public static Reply raw(int status, String contentType, byte[] body) {
      Reply r = new Reply();
      r.status = status;
      r.contentType = contentType;
      r.body = body;
      return r;
    }

    public static Reply json(int status, String json) {
      return raw(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** An error in OpenAI's shape. */
    public static Reply error(int status, String type, String code, String message) {
      ObjectNode root = JSON.createObjectNode();
      ObjectNode e = root.putObject("error");
      e.put("message", message).put("type", type).putNull("param");
      if (code == null) {
        e.putNull("code");
      } else {
        e.put("code", code);
      }
      return json(status, JSON.writeValueAsString(root));
    }

    /** No answer at all until the server is closed: a server that hangs. */
    public static Reply hang() {
      Reply r = new Reply();
      r.hold = true;
      return r;
    }

    /** The status line and headers, then silence until the server is closed. */
    public static Reply stallAfterHeaders(String contentType) {
      Reply r = new Reply();
      r.contentType = contentType;
      r.stallBody = true;
      return r;
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
  private final List<Transcription> transcriptions = new CopyOnWriteArrayList<>();
  private final List<Speech> speeches = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile String transcript = "Hello switchboard, this is a voice note.";
  private volatile String requiredKey;

  public FakeAudioServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/v1/audio/transcriptions", this::transcribe);
    server.createContext("/v1/audio/speech", this::speak);
    // Any other path: 404 after reading the request, as real servers do. The JDK server's own
    // 404 closes the connection while an upload is still being written, and the client then
    // saw a reset instead of the answer (flaky under load).
    server.createContext("/", this::notFound);
    server.start();
  }

  private void notFound(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
      byte[] body = "{\"error\":{\"message\":\"Not found\",\"type\":\"invalid_request_error\"}}"
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(404, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  /** {@code http://127.0.0.1:PORT/v1} */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** The text every transcription answers with from now on. */
  public FakeAudioServer transcript(String text) {
    this.transcript = text;
    return this;
  }

  /** From now on a request without {@code Authorization: Bearer key} is answered 401. */
  public FakeAudioServer requireKey(String key) {
    this.requiredKey = key;
    return this;
  }

  /** Queues answers for the next requests, in order. */
  public FakeAudioServer then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  public List<Transcription> transcriptions() {
    return List.copyOf(transcriptions);
  }

  public List<Speech> speeches() {
    return List.copyOf(speeches);
  }

  /** The Ogg/Opus fixture, as the speech endpoint answers {@code opus} with it. */
  public static byte[] oggOpus() {
    try (InputStream in = FakeAudioServer.class.getResourceAsStream(FIXTURE)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + FIXTURE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A minimal MP3: an empty ID3v2.4 tag and one MPEG-1 layer III frame header, 128 kbit/s. */
  public static byte[] mp3() {
    byte[] out = new byte[10 + 417];
    System.arraycopy("ID3".getBytes(StandardCharsets.US_ASCII), 0, out, 0, 3);
    out[3] = 4;
    out[10] = (byte) 0xff;
    out[11] = (byte) 0xfb;
    out[12] = (byte) 0x90;
    out[13] = (byte) 0x64;
    return out;
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private void transcribe(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] raw = ex.getRequestBody().readAllBytes();
      if (answeredUnauthorized(ex)) {
        return;
      }
      if (raw.length > MAX_UPLOAD) {
        send(
            ex,
            Reply.error(
                413,
                "server_error",
                null,
                "Maximum content size limit (" + MAX_UPLOAD + ") exceeded (" + raw.length
                    + " bytes read)"));
        return;
      }
      String type = header(ex, "Content-Type");
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
        send(
            ex,
            invalid("Invalid Content-Type header (" + type + "), expected multipart/form-data."));
        return;
      }
      Map<String, String> fields = new HashMap<>();
      FilePart file = null;
      MultiPartFormData.Parser parser =
          new MultiPartFormData.Parser(MultiPart.extractBoundary(type));
      parser.setMaxMemoryFileSize(raw.length); // all parts in memory, no files directory
      try (MultiPartFormData.Parts parts =
          parser.parse(Content.Source.from(ByteBuffer.wrap(raw))).get(10, TimeUnit.SECONDS)) {
        for (MultiPart.Part part : parts) {
          byte[] bytes = bytes(part);
          if (part.getFileName() != null) {
            if ("file".equals(part.getName())) {
              file = new FilePart(part.getFileName(), part.getHeaders().get("Content-Type"), bytes);
            }
          } else {
            fields.put(part.getName(), new String(bytes, StandardCharsets.UTF_8));
          }
        }
      } catch (Exception e) {
        send(ex, invalid("Could not parse multipart form: " + e.getMessage()));
        return;
      }
      Transcription recorded = new Transcription(
          ex.getRequestURI().getPath(),
          header(ex, "Authorization"),
          type,
          header(ex, "Content-Length"),
          Map.copyOf(fields),
          file);
      transcriptions.add(recorded);
      if (answeredFromScript(ex)) {
        return;
      }
      if (file == null) {
        send(ex, invalid("you must provide a file"));
        return;
      }
      if (!fields.containsKey("model")) {
        send(ex, invalid("you must provide a model parameter"));
        return;
      }
      String name = file.fileName().toLowerCase(Locale.ROOT);
      String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
      if (!FORMATS.contains(extension)) {
        send(ex, invalid("Invalid file format. Supported formats: " + FORMATS));
        return;
      }
      String format = fields.getOrDefault("response_format", "json");
      if (format.equals("text")) {
        send(
            ex,
            Reply.raw(
                200,
                "text/plain; charset=utf-8",
                (transcript + "\n").getBytes(StandardCharsets.UTF_8)));
        return;
      }
      ObjectNode root = JSON.createObjectNode().put("text", transcript);
      root.putObject("usage").put("type", "duration").put("seconds", 3);
      send(ex, Reply.json(200, JSON.writeValueAsString(root)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void speak(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] raw = ex.getRequestBody().readAllBytes();
      if (answeredUnauthorized(ex)) {
        return;
      }
      JsonNode body;
      try {
        body = JSON.readTree(raw);
      } catch (RuntimeException e) {
        send(ex, invalid("We could not parse the JSON body of your request."));
        return;
      }
      speeches.add(new Speech(
          ex.getRequestURI().getPath(),
          header(ex, "Authorization"),
          header(ex, "Content-Type"),
          body));
      if (answeredFromScript(ex)) {
        return;
      }
      for (String field : List.of("model", "input", "voice")) {
        if (!body.path(field).isString()) {
          send(ex, invalid("Missing required parameter: '" + field + "'."));
          return;
        }
      }
      int length = body.path("input").stringValue().length();
      if (length > MAX_INPUT_CHARS) {
        send(
            ex,
            invalid("[{'type': 'string_too_long', 'loc': ('body', 'input'), 'msg': 'String"
                + " should have at most 4096 characters', 'ctx': {'max_length': 4096}}]"));
        return;
      }
      String format = body.path("response_format").asString("mp3");
      switch (format) {
        case "opus" -> send(ex, Reply.raw(200, "audio/ogg", oggOpus()));
        case "mp3" -> send(ex, Reply.raw(200, "audio/mpeg", mp3()));
        default -> send(ex, invalid("Invalid value for response_format: " + format));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean answeredUnauthorized(HttpExchange ex) throws IOException {
    String key = requiredKey;
    String sent = header(ex, "Authorization");
    if (key == null || ("Bearer " + key).equals(sent)) {
      return false;
    }
    String shown = sent == null ? "none" : sent.replaceFirst("^Bearer ", "");
    send(
        ex,
        Reply.error(
            401,
            "invalid_request_error",
            "invalid_api_key",
            "Incorrect API key provided: " + shown + ". You can find your API key at"
                + " https://platform.openai.com/account/api-keys."));
    return true;
  }

  private boolean answeredFromScript(HttpExchange ex) throws IOException, InterruptedException {
    Reply reply = script.poll();
    if (reply == null) {
      return false;
    }
    if (reply.hold) {
      closed.await();
      return true;
    }
    if (reply.stallBody) {
      ex.getResponseHeaders().add("Content-Type", reply.contentType);
      ex.sendResponseHeaders(200, 0);
      ex.getResponseBody().write(new byte[] {'O', 'g'});
      ex.getResponseBody().flush();
      closed.await();
      return true;
    }
    send(ex, reply);
    return true;
  }

  private static Reply invalid(String message) {
    return Reply.error(400, "invalid_request_error", null, message);
  }

  private static byte[] bytes(MultiPart.Part part) throws IOException {
    ByteBuffer b = Content.Source.asByteBuffer(part.getContentSource());
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static String header(HttpExchange ex, String name) {
    return ex.getRequestHeaders().getFirst(name);
  }

  private static void send(HttpExchange ex, Reply reply) throws IOException {
    ex.getResponseHeaders().add("Content-Type", reply.contentType);
    ex.sendResponseHeaders(reply.status, reply.body.length == 0 ? -1 : reply.body.length);
    if (reply.body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(reply.body);
      }
    }
  }
}
