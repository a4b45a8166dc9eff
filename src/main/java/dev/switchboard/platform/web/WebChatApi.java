package dev.switchboard.platform.web;

import dev.switchboard.http.EventStream;
import dev.switchboard.http.JsonExchange;
import dev.switchboard.http.JsonExchange.BadRequest;
import dev.switchboard.http.LoginGate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The web page's API under {@code /api/web/}: log in and out, list and create conversations,
 * post a message (JSON, or a form with files), read a conversation's older messages a page at
 * a time, fetch a conversation's file, and follow a conversation as server-sent events (its
 * newest page, then every new or edited message). Everything but logging in needs the login
 * cookie, unless auth is off, and every POST must be JSON from the page itself ({@link
 * LoginGate#checkChange}) or an upload with the header only the page sends ({@link
 * LoginGate#checkUpload}).
 * Runs on the request's virtual thread, so the event stream simply blocks between events.
 */
final class WebChatApi extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(WebChatApi.class);
  private static final Pattern CHAT_PATH =
      Pattern.compile("/api/web/chats/([A-Za-z0-9-]{1,64})/(messages|events|files/([0-9a-f]{64}))");
  static final long RETRY_MILLIS = 2_000;

  private final WebChatAdapter adapter;
  private final Supplier<ChatHistory> history;
  private final ChatFiles files;
  private final UploadForm.Limits uploads;
  private final ChatEvents events;
  private final LoginGate gate;

  WebChatApi(
      WebChatAdapter adapter,
      Supplier<ChatHistory> history,
      ChatFiles files,
      UploadForm.Limits uploads,
      ChatEvents events,
      LoginGate gate) {
    this.adapter = adapter;
    this.history = history;
    this.files = files;
    this.uploads = uploads;
    this.events = events;
    this.gate = gate;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    String method = request.getMethod();
    try {
      if (path.equals("/api/web/login") && method.equals("POST")) {
        gate.login(request, response, callback);
        return true;
      }
      boolean change = !method.equals("GET") && !method.equals("HEAD");
      Optional<LoginGate.Refusal> refused = !change
          ? gate.check(request)
          : isMultipart(request) ? gate.checkUpload(request) : gate.checkChange(request);
      if (refused.isPresent()) {
        JsonExchange.settleUnusedBody(request, response);
        JsonExchange.error(
            response, callback, refused.get().status(), refused.get().message());
        return true;
      }
      Matcher chat = CHAT_PATH.matcher(path);
      if (path.equals("/api/web/logout") && method.equals("POST")) {
        JsonExchange.settleUnusedBody(request, response);
        gate.logout(request, response, callback);
      } else if (path.equals("/api/web/session") && method.equals("GET")) {
        ObjectNode body = WebChatAdapter.object();
        body.put("user", WebChatAdapter.OWNER);
        body.put("auth", gate.loginRequired());
        body.put("max_file_bytes", uploads.maxFileBytes());
        body.put("max_files", uploads.maxFiles());
        JsonExchange.send(response, callback, 200, body);
      } else if (!adapter.connected()) {
        // Until the conversations are loaded, "no such chat" would be a lie the page acts on.
        JsonExchange.settleUnusedBody(request, response);
        JsonExchange.error(
            response,
            callback,
            503,
            "Switchboard is starting or stopping;" + " try again in a moment");
      } else if (path.equals("/api/web/chats") && method.equals("GET")) {
        listChats(response, callback);
      } else if (path.equals("/api/web/chats") && method.equals("POST")) {
        JsonExchange.settleUnusedBody(request, response); // the page sends "{}"
        JsonExchange.send(response, callback, 201, json(history.get().create()));
      } else if (chat.matches() && chat.group(2).equals("messages") && method.equals("POST")) {
        if (isMultipart(request)) {
          postWithFiles(chat.group(1), request, response, callback);
        } else {
          post(chat.group(1), request, response, callback);
        }
      } else if (chat.matches() && chat.group(3) != null && method.equals("GET")) {
        file(chat.group(1), chat.group(3), request, response, callback);
      } else if (chat.matches() && chat.group(2).equals("messages") && method.equals("GET")) {
        page(chat.group(1), request, response, callback);
      } else if (chat.matches() && chat.group(2).equals("events") && method.equals("GET")) {
        follow(chat.group(1), response, callback);
      } else {
        JsonExchange.settleUnusedBody(request, response);
        JsonExchange.error(response, callback, 404, "no such endpoint: " + method + " " + path);
      }
    } catch (BadRequest e) {
      JsonExchange.lastOnConnectionIfBodyUnread(request, response);
      JsonExchange.error(response, callback, e.status(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      JsonExchange.error(response, callback, 503, "Switchboard is stopping");
    } catch (UncheckedIOException e) {
      log.warn("web chat: {} {}: {}", method, path, e.getMessage());
      JsonExchange.error(
          response, callback, 500, "Switchboard could not read or write this conversation");
    } catch (IOException e) {
      log.warn("web chat: {} {}: {}", method, path, e.toString());
      if (response.isCommitted()) {
        callback.failed(e);
      } else {
        JsonExchange.error(
            response,
            callback,
            500,
            "Switchboard could not read or write this conversation's files");
      }
    }
    return true;
  }

  private static boolean isMultipart(Request request) {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
  }

  /**
   * {@code GET /api/web/chats/<id>/files/<sha256>?name=<name>}: a file of this conversation,
   * as {@link FileResponse} serves it; 404 for a file that is not this conversation's.
   */
  private void file(
      String chatId, String sha256, Request request, Response response, Callback callback)
      throws IOException {
    Optional<Path> file =
        history.get().exists(chatId) ? files.find(chatId, sha256) : Optional.empty();
    if (file.isEmpty()) {
      JsonExchange.error(response, callback, 404, "no such file in conversation " + chatId);
      return;
    }
    Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    FileResponse.send(
        request,
        response,
        callback,
        file.get(),
        sha256,
        WebFile.cleanName(query.getValue("name"), "file"));
  }

  /**
   * A message with files ({@link UploadForm}): its files are kept with the conversation and go
   * to the gateway as the message's attachments.
   */
  private void postWithFiles(String chatId, Request request, Response response, Callback callback)
      throws BadRequest, InterruptedException, IOException {
    if (!adapter.accepting()) {
      JsonExchange.settleUnusedBody(request, response);
      JsonExchange.error(
          response,
          callback,
          503,
          "Switchboard is restarting or stopping;" + " send this again when it is back.");
      return;
    }
    if (!history.get().exists(chatId)) {
      JsonExchange.settleUnusedBody(request, response);
      JsonExchange.error(response, callback, 404, "no conversation " + chatId);
      return;
    }
    try (UploadForm form = UploadForm.read(request, uploads, files.incoming())) {
      answer(
          adapter.post(chatId, form.clientId(), form.text(), form.files()),
          chatId,
          form.clientId(),
          response,
          callback);
    }
  }

  /**
   * {@code GET /api/web/chats/<id>/messages?before=<cursor>&limit=<n>}: a page of messages,
   * oldest first, and the cursor for the page before it ({@code null} at the start).
   */
  private void page(String chatId, Request request, Response response, Callback callback)
      throws BadRequest {
    Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    Long cursor = cursor(query.getValue("before"));
    int limit = limit(query.getValue("limit"));
    Optional<MessagePage> page;
    try {
      page = history.get().page(chatId, cursor, limit);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(
          400, "\"before\" is not a cursor of this conversation: " + e.getMessage());
    }
    if (page.isEmpty()) {
      JsonExchange.error(response, callback, 404, "no conversation " + chatId);
      return;
    }
    JsonExchange.send(response, callback, 200, json(page.get()));
  }

  private static @Nullable Long cursor(@Nullable String before) throws BadRequest {
    if (before == null) {
      return null;
    }
    if (!before.matches("[0-9]{1,18}")) {
      throw new BadRequest(
          400,
          "\"before\" must be the \"before\" of an earlier page, not \"" + clip(before) + "\"");
    }
    return Long.parseLong(before);
  }

  private static int limit(@Nullable String limit) throws BadRequest {
    if (limit == null) {
      return ChatLogs.PAGE_MESSAGES;
    }
    if (limit.matches("[0-9]{1,4}")) {
      int n = Integer.parseInt(limit);
      if (n >= 1 && n <= ChatLogs.MAX_PAGE_MESSAGES) {
        return n;
      }
    }
    throw new BadRequest(
        400,
        "\"limit\" must be a whole number from 1 to " + ChatLogs.MAX_PAGE_MESSAGES + ", not \""
            + clip(limit) + "\"");
  }

  private static String clip(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "\u2026";
  }

  private void listChats(Response response, Callback callback) {
    ObjectNode body = WebChatAdapter.object();
    ArrayNode list = body.putArray("chats");
    for (ChatSummary s : history.get().list()) {
      list.add(json(s));
    }
    JsonExchange.send(response, callback, 200, body);
  }

  private void post(String chatId, Request request, Response response, Callback callback)
      throws BadRequest, InterruptedException, IOException {
    ObjectNode body = JsonExchange.readObject(request);
    JsonNode id = body.path("id");
    JsonNode text = body.path("text");
    if (!id.isString() || !ChatLogs.ID.matcher(id.asString()).matches()) {
      throw new BadRequest(400, "\"id\" must be 1 to 64 letters, digits or dashes");
    }
    if (!text.isString() || text.asString().isBlank()) {
      throw new BadRequest(400, "\"text\" must be a non-empty string");
    }
    if (text.asString().length() > WebChatAdapter.MAX_TEXT_CHARS) {
      throw new BadRequest(
          413,
          "the message has " + text.asString().length() + " characters; at most "
              + WebChatAdapter.MAX_TEXT_CHARS + " fit in one message");
    }
    if (!adapter.accepting()) {
      JsonExchange.error(
          response,
          callback,
          503,
          "Switchboard is restarting or stopping;" + " send this again when it is back.");
      return;
    }
    answer(
        adapter.post(chatId, id.asString(), text.asString()),
        chatId,
        id.asString(),
        response,
        callback);
  }

  private static void answer(
      WebChatAdapter.Posted posted,
      String chatId,
      String clientId,
      Response response,
      Callback callback) {
    switch (posted) {
      case TAKEN, ALREADY_TAKEN -> {
        ObjectNode ok = WebChatAdapter.object();
        ok.put("id", "u-" + clientId);
        JsonExchange.send(response, callback, 202, ok);
      }
      case UNKNOWN_CHAT -> JsonExchange.error(response, callback, 404, "no conversation " + chatId);
      case NOT_CONNECTED ->
        JsonExchange.error(
            response,
            callback,
            503,
            "Switchboard is not running; send this again when it is back.");
    }
  }

  private void follow(String chatId, Response response, Callback callback) {
    if (!history.get().exists(chatId)) {
      JsonExchange.error(response, callback, 404, "no conversation " + chatId);
      return;
    }
    // Watch first, then take the snapshot: an event in between is sent twice (harmless, the
    // page replaces by id), never lost.
    ChatEvents.Watcher watcher = events.watch(chatId);
    EventStream stream = null;
    try {
      // The newest page only: the page asks for older ones (GET .../messages?before=) when the
      // reader scrolls up to them. Read before the stream opens, so that a store that cannot
      // be read is still answered with an error status.
      MessagePage newest = history
          .get()
          .page(chatId, null, ChatLogs.PAGE_MESSAGES)
          .orElse(new MessagePage(List.of(), null));
      stream = EventStream.open(response, callback);
      stream.retry(RETRY_MILLIS);
      stream.event("snapshot", JsonExchange.json().writeValueAsString(json(newest)));
      while (true) {
        Optional<ChatEvents.Event> next = watcher.next(EventStream.KEEPALIVE_SECONDS);
        if (next.isEmpty()) {
          stream.keepalive();
        } else if (next.get().isEnd()) {
          break;
        } else {
          stream.event(next.get().name(), next.get().json());
        }
      }
      stream.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the server is stopping: end the stream cleanly
      if (stream != null) {
        stream.close();
      } else {
        JsonExchange.error(response, callback, 503, "Switchboard is stopping");
      }
    } catch (IOException e) {
      log.debug("web chat: a page stopped following {}: {}", chatId, e.getMessage());
      if (stream != null) {
        stream.abort(e);
      }
    } finally {
      events.unwatch(watcher);
    }
  }

  static ObjectNode tree(WebMessage m) {
    ObjectNode n = WebChatAdapter.object();
    n.put("id", m.id());
    n.put("role", m.role());
    n.put("text", m.text());
    n.put("format", m.markup().wire);
    n.put("at", m.at().toString());
    ArrayNode files = n.putArray("files");
    for (WebFile f : m.files()) {
      files
          .addObject()
          .put("ref", f.ref())
          .put("name", f.name())
          .put("type", f.type())
          .put("size", f.size());
    }
    return n;
  }

  /** {@code {"messages": [...], "before": "<cursor>" or null}}. */
  static ObjectNode json(MessagePage page) {
    ObjectNode n = WebChatAdapter.object();
    ArrayNode messages = n.putArray("messages");
    page.messages().forEach(m -> messages.add(tree(m)));
    Long before = page.before();
    if (before == null) {
      n.putNull("before");
    } else {
      n.put("before", before.toString());
    }
    return n;
  }

  static String json(WebMessage m) {
    return JsonExchange.json().writeValueAsString(tree(m));
  }

  static ObjectNode json(ChatSummary s) {
    ObjectNode n = WebChatAdapter.object();
    n.put("id", s.id());
    n.put("title", s.title());
    n.put("updated_at", s.updatedAt().toString());
    return n;
  }
}
