package dev.switchboard.webhook;

import dev.switchboard.common.RedactedRecord;
import dev.switchboard.platform.ChatRef;
import java.util.Objects;
import java.util.Set;

/**
 * One route, {@code POST /webhooks/<name>}: how its requests are checked, which header names a
 * delivery, where the result goes and how.
 *
 * @param tokenHeader the header that carries the secret, for {@link Auth#TOKEN}
 * @param deliveryHeader the header whose value identifies a delivery, for deduplication
 * @param ownConversation true for a conversation of the route's own in the chat
 */
public record WebhookRoute(
    String name,
    Auth auth,
    String secret,
    String tokenHeader,
    String deliveryHeader,
    ChatRef target,
    Mode mode,
    PromptTemplate prompt,
    boolean ownConversation) {

  /** How a request proves it comes from who holds the secret. */
  public enum Auth {
    HMAC_SHA256,
    TOKEN
  }

  /** What a delivery becomes. */
  public enum Mode {
    /** A turn of the agent, with the filled prompt as the message. */
    AGENT,
    /** The filled prompt itself, sent to the chat without the agent. */
    DIRECT
  }

  /** Values of the conversation setting. */
  public enum Conversation {
    OWN,
    SHARED
  }

  public WebhookRoute {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(prompt, "prompt");
  }

  /** What the turns and the transcript say sent the prompt: "webhook:github". */
  String origin() {
    return "webhook:" + name;
  }

  @Override
  public String toString() {
    return RedactedRecord.toString(this, Set.of("secret"));
  }
}
