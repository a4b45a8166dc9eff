package dev.switchboard.http;

import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/admin/cron} (used by {@code switchboard cron}): {@code {"arguments": "add
 * --to telegram:123 every day at 9:00 Morning briefing"}}, the words of a {@code /cron}
 * request, answered with {@code {"answer": "…"}}, the text a chat would get (status 422 when
 * the request was refused). Behind the admin
 * page's login: the holder of the login token may change every job.
 */
public final class AdminCron extends Handler.Abstract {
  /** Answers one request. */
  @FunctionalInterface
  public interface Requests {
    Answer handle(String arguments) throws InterruptedException;
  }

  /**
   * An answer's text and status: 200 done; 422 refused as {@code /cron} refuses, the text
   * saying why; or an HTTP error the request could not be taken with (503 while standing by).
   * The command line exits 1 for all but 200.
   */
  public record Answer(int status, String text) {
    /** Done (200), or refused (422). */
    public Answer(boolean done, String text) {
      this(done ? 200 : 422, text);
    }
  }

  private final LoginGate gate;
  private final Requests requests;

  private AdminCron(@Nullable LoginToken token, Requests requests) {
    this.gate = new LoginGate(token);
    this.requests = requests;
  }

  /**
   * Mounts the endpoint on {@code server}.
   *
   * @param token null when auth is off
   */
  public static void install(HttpServer server, @Nullable LoginToken token, Requests requests) {
    server.route("/api/admin/cron", new AdminCron(token, requests));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback)
      throws InterruptedException {
    if (!request.getMethod().equals("POST")) {
      JsonExchange.settleUnusedBody(request, response);
      JsonExchange.error(response, callback, 405, "use POST for /api/admin/cron");
      return true;
    }
    Optional<LoginGate.Refusal> refused = gate.checkChange(request);
    if (refused.isPresent()) {
      JsonExchange.settleUnusedBody(request, response);
      JsonExchange.error(
          response, callback, refused.get().status(), refused.get().message());
      return true;
    }
    JsonNode arguments;
    try {
      arguments = JsonExchange.readObject(request).path("arguments");
    } catch (JsonExchange.BadRequest e) {
      JsonExchange.settleUnusedBody(request, response);
      JsonExchange.error(response, callback, e.status(), e.getMessage());
      return true;
    }
    if (!arguments.isString()) {
      JsonExchange.error(
          response, callback, 400, "send {\"arguments\": \"list\"}: the words after /cron");
      return true;
    }
    Answer answer = requests.handle(arguments.asString());
    if (answer.status() != 200 && answer.status() != 422) {
      JsonExchange.error(response, callback, answer.status(), answer.text());
      return true;
    }
    ObjectNode body = JsonExchange.json().createObjectNode();
    body.put("answer", answer.text());
    JsonExchange.send(response, callback, answer.status(), body);
    return true;
  }
}
