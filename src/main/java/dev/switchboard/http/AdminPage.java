package dev.switchboard.http;

import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The admin status page at {@code /admin}: platforms, active sessions and turns, and a restart
 * button. The page itself is public (it holds no data); its API calls need the login cookie
 * (the web chat's; the page has its own log-in for when the web chat is off), unless auth is
 * off. {@code POST /api/admin/send} ({@code switchboard send}) takes JSON, or, with files, a
 * form ({@link SendForm}) that proves itself with the upload header as a form cannot be JSON.
 */
public final class AdminPage extends Handler.Abstract {
  private static final String SEND = "/api/admin/send";

  private final LoginGate gate;
  private final Supplier<JsonNode> status;
  private final BooleanSupplier restart;
  private final AdminSend send;
  private final SendUploads uploads;

  /**
   * @param token null when auth is off
   * @param restart requests a restart; false when the gateway is already stopping
   */
  private AdminPage(
      @Nullable LoginToken token,
      Supplier<JsonNode> status,
      BooleanSupplier restart,
      AdminSend send,
      SendUploads uploads) {
    this.gate = new LoginGate(token);
    this.status = status;
    this.restart = restart;
    this.send = send;
    this.uploads = uploads;
  }

  public static void install(
      HttpServer server,
      @Nullable LoginToken token,
      Supplier<JsonNode> status,
      BooleanSupplier restart,
      AdminSend send,
      SendUploads uploads) {
    new StaticFiles(AdminPage.class)
        .file("/admin", "admin.html")
        .file("/admin.js", "admin.js")
        .file("/admin.css", "admin.css")
        .mountOn(server);
    server.route("/api/admin/*", new AdminPage(token, status, restart, send, uploads));
    // Only a send may bring files, so only its route takes bodies that large; the form reader
    // bounds each file by the gateway's file limit.
    server.route(
        SEND,
        new AdminPage(token, status, restart, send, uploads),
        Math.max(HttpServer.MAX_REQUEST_BYTES, uploads.rules().maxBodyBytes()));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    String method = request.getMethod();
    if (path.equals("/api/admin/login") && method.equals("POST")) {
      try {
        gate.login(request, response, callback);
      } catch (JsonExchange.BadRequest e) {
        JsonExchange.settleUnusedBody(request, response);
        JsonExchange.error(response, callback, e.status(), e.getMessage());
      }
      return true;
    }
    boolean change = !method.equals("GET") && !method.equals("HEAD");
    // A send with files cannot be JSON: it proves itself with the upload header instead.
    boolean upload = path.equals(SEND) && method.equals("POST") && !JsonExchange.isJson(request);
    Optional<LoginGate.Refusal> refused = upload
        ? gate.checkUpload(request)
        : change ? gate.checkChange(request) : gate.check(request);
    if (refused.isPresent()) {
      JsonExchange.settleUnusedBody(request, response);
      JsonExchange.error(
          response, callback, refused.get().status(), refused.get().message());
    } else if (path.equals("/api/admin/status") && method.equals("GET")) {
      JsonExchange.send(response, callback, 200, status.get());
    } else if (path.equals("/api/admin/restart") && method.equals("POST")) {
      JsonExchange.settleUnusedBody(request, response);
      if (restart.getAsBoolean()) {
        JsonExchange.empty(response, callback, 202);
      } else {
        JsonExchange.error(
            response, callback, 409, "Switchboard is already stopping or" + " restarting");
      }
    } else if (path.equals(SEND) && method.equals("POST")) {
      if (upload) {
        sendWithFiles(request, response, callback);
      } else {
        send(request, response, callback);
      }
    } else {
      JsonExchange.settleUnusedBody(request, response);
      JsonExchange.error(response, callback, 404, "no such endpoint: " + method + " " + path);
    }
    return true;
  }

  /** {"target": "telegram:123", "text": "...", "idempotency_key": "..."} */
  private void send(Request request, Response response, Callback callback) {
    JsonNode body;
    try {
      body = JsonExchange.readObject(request);
    } catch (JsonExchange.BadRequest e) {
      JsonExchange.settleUnusedBody(request, response);
      JsonExchange.error(response, callback, e.status(), e.getMessage());
      return;
    }
    JsonNode target = body.path("target");
    JsonNode text = body.path("text");
    JsonNode key = body.path("idempotency_key");
    if (!target.isString() || !text.isString() || !(key.isMissingNode() || key.isString())) {
      JsonExchange.error(
          response,
          callback,
          400,
          "send {\"target\": \"platform:chat[:thread]\", \"text\": \"...\"} (and optionally"
              + " \"idempotency_key\") as strings");
      return;
    }
    AdminSend.Answer answer = send.send(
        target.asString(), text.asString(), key.isString() ? key.asString() : null, List.of());
    JsonExchange.send(response, callback, answer.status(), answer.body());
  }

  /**
   * The same with files ({@link SendForm}, {@code multipart/form-data} with the upload header):
   * the files are read while the send lasts and deleted from the incoming folder after it.
   */
  private void sendWithFiles(Request request, Response response, Callback callback) {
    AdminSend.Answer answer;
    // Answered once the form is closed: its files on disk are gone by then.
    try (SendForm form = SendForm.read(request, uploads)) {
      answer = send.send(form.target(), form.text(), form.key(), form.files());
    } catch (JsonExchange.BadRequest e) {
      JsonExchange.lastOnConnectionIfBodyUnread(request, response);
      JsonExchange.error(response, callback, e.status(), e.getMessage());
      return;
    }
    JsonExchange.send(response, callback, answer.status(), answer.body());
  }
}
