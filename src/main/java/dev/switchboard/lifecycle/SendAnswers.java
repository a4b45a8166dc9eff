package dev.switchboard.lifecycle;

import dev.switchboard.http.AdminSend;
import dev.switchboard.http.JsonExchange;
import dev.switchboard.platform.ProactiveSender;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/admin/send} ({@code switchboard send}) answered from the gateway's {@link
 * ProactiveSender}: 200 with the target and the messages' ids, or the refusal's status with its
 * reason; 503 from a gateway standing by, which sends nothing (its platforms are the active
 * one's), naming the active one.
 */
final class SendAnswers implements AdminSend {
  private final ProactiveSender sender;
  private final Supplier<Optional<String>> standingByFor;

  /**
   * @param standingByFor the active gateway's name while this one stands by; empty otherwise
   */
  SendAnswers(ProactiveSender sender, Supplier<Optional<String>> standingByFor) {
    this.sender = sender;
    this.standingByFor = standingByFor;
  }

  @Override
  public Answer send(
      String target, String text, @Nullable String idempotencyKey, List<Upload> files) {
    List<ProactiveSender.Upload> uploads = files.stream()
        .map(f -> new ProactiveSender.Upload(f.fileName(), f.contentType(), f.bytes()::open))
        .toList();
    ObjectNode body = JsonExchange.json().createObjectNode();
    Optional<String> active = standingByFor.get();
    if (active.isPresent()) {
      body.put(
          "error",
          "this gateway is standing by and sends nothing; " + active.get()
              + " is the active one: send through it");
      return new Answer(503, body);
    }
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
