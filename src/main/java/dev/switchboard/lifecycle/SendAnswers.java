package dev.switchboard.lifecycle;

import dev.switchboard.http.AdminSend;
import dev.switchboard.http.JsonExchange;
import dev.switchboard.platform.ProactiveSender;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/admin/send} ({@code switchboard send}) answered from the gateway's {@link
 * ProactiveSender}: 200 with the target and the messages' ids, or the refusal's status with its
 * reason.
 */
final class SendAnswers implements AdminSend {
  private final ProactiveSender sender;

  SendAnswers(ProactiveSender sender) {
    this.sender = sender;
  }

  @Override
  public Answer send(
      String target, String text, @Nullable String idempotencyKey, List<Upload> files) {
    List<ProactiveSender.Upload> uploads = files.stream()
        .map(f -> new ProactiveSender.Upload(f.fileName(), f.contentType(), f.bytes()::open))
        .toList();
    ObjectNode body = JsonExchange.json().createObjectNode();
    return switch (sender.send(target, text, uploads, idempotencyKey)) {
      case ProactiveSender.Outcome.Sent s -> {
        body.put("target", s.chat().toString());
        body.put("platform", s.chat().platform());
        body.put("chat", s.chat().chatId());
        body.put("thread", s.chat().threadId());
        ArrayNode ids = body.putArray("message_ids");
        s.messageIds().forEach(ids::add);
        yield new Answer(200, body);
      }
      case ProactiveSender.Outcome.Refused r -> {
        body.put("error", r.reason());
        yield new Answer(r.status(), body);
      }
    };
  }
}
