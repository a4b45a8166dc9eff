package dev.switchboard.webhook;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import dev.switchboard.delivery.ProactiveSend;
import dev.switchboard.platform.ChatRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The webhook settings: a body limit for all routes, and under {@code webhooks.routes.<name>.}
 * the settings of each route. Read with {@link #routes}, which checks what the types alone
 * cannot (the secret's length, the target, the template, the headers).
 */
public final class WebhookConfig {
  /** The shortest secret accepted: a guessable one would let anyone post as the sender. */
  static final int MIN_SECRET_CHARS = 16;

  static final String ROUTES = "webhooks.routes";
  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}");

  public static final ConfigKey<Integer> MAX_BODY_KB = ConfigKey.optional(
      "webhooks.max_body_kb",
      "SWITCHBOARD_WEBHOOKS_MAX_BODY_KB",
      ValueType.integer(1, 25_600),
      1024,
      "Largest webhook request body in KiB (GitHub sends at most 25 MB); a larger one is"
          + " refused with 413.");

  static final ConfigKey<WebhookRoute.Auth> AUTH = ConfigKey.optional(
      ROUTES + ".*.auth",
      null,
      ValueType.choice(WebhookRoute.Auth.class),
      WebhookRoute.Auth.HMAC_SHA256,
      "How a request proves it knows the secret: hmac_sha256 (the X-Hub-Signature-256 header,"
          + " GitHub's form) or token (the secret itself in webhooks.routes.*.token_header).");

  static final ConfigKey<String> SECRET = ConfigKey.secret(
      ROUTES + ".*.secret",
      "SWITCHBOARD_WEBHOOKS_*_SECRET",
      true,
      "The route's secret, at least 16 characters; * in the variable is the route's name in"
          + " capitals, - written _.");

  static final ConfigKey<String> TOKEN_HEADER = ConfigKey.optional(
      ROUTES + ".*.token_header",
      null,
      ValueType.string(),
      "X-Webhook-Token",
      "The header that carries the secret when auth is token.");

  static final ConfigKey<String> DELIVERY_HEADER = ConfigKey.optional(
      ROUTES + ".*.delivery_header",
      null,
      ValueType.string(),
      "X-GitHub-Delivery",
      "The header whose value identifies a delivery: the same id twice is handled once. A"
          + " request without it is identified by its body.");

  static final ConfigKey<String> TARGET = new ConfigKey<>(
      ROUTES + ".*.target",
      null,
      ValueType.string(),
      null,
      true,
      false,
      "The chat the route's messages go to: platform:chat or platform:chat:thread (a Telegram"
          + " topic: telegram:-1001234567890:7).");

  static final ConfigKey<WebhookRoute.Mode> MODE = ConfigKey.optional(
      ROUTES + ".*.mode",
      null,
      ValueType.choice(WebhookRoute.Mode.class),
      WebhookRoute.Mode.AGENT,
      "agent: the filled prompt is a message to the agent, whose answer goes to the chat;"
          + " direct: the filled prompt itself is sent to the chat.");

  static final ConfigKey<String> PROMPT = new ConfigKey<>(
      ROUTES + ".*.prompt",
      null,
      ValueType.string(),
      null,
      true,
      false,
      "The prompt, with {{paths}} into the JSON payload such as {{pull_request.title}} or"
          + " {{commits.0.message}}.");

  static final ConfigKey<WebhookRoute.Conversation> CONVERSATION = ConfigKey.optional(
      ROUTES + ".*.conversation",
      null,
      ValueType.choice(WebhookRoute.Conversation.class),
      WebhookRoute.Conversation.OWN,
      "own: the route's turns have a conversation of their own in the chat; shared: they join"
          + " the chat's.");

  private WebhookConfig() {}

  public static List<ConfigKey<?>> configKeys() {
    return List.of(
        MAX_BODY_KB,
        AUTH,
        SECRET,
        TOKEN_HEADER,
        DELIVERY_HEADER,
        TARGET,
        MODE,
        PROMPT,
        CONVERSATION);
  }

  /** webhooks.max_body_kb in bytes. */
  public static long maxBodyBytes(Config config) {
    return config.get(MAX_BODY_KB) * 1024L;
  }

  /**
   * The routes configured, checked: each one's target on a platform {@code enabled} says is on.
   *
   * @throws ConfigException naming the setting of the first route that is wrong
   */
  public static List<WebhookRoute> routes(Config config, Predicate<String> enabled) {
    List<WebhookRoute> routes = new ArrayList<>();
    for (String name : config.names(ROUTES)) {
      routes.add(route(config, name, enabled));
    }
    return List.copyOf(routes);
  }

  private static WebhookRoute route(Config config, String name, Predicate<String> enabled) {
    String secret = config.get(SECRET, name);
    if (secret.length() < MIN_SECRET_CHARS) {
      throw new ConfigException(
          SECRET.pathFor(name),
          "is " + secret.length() + " characters; use at least " + MIN_SECRET_CHARS
              + " (such as the output of: openssl rand -hex 32)");
    }
    String target = config.get(TARGET, name);
    Optional<ChatRef> chat = ProactiveSend.parse(target);
    if (chat.isEmpty()) {
      throw new ConfigException(
          TARGET.pathFor(name),
          "'" + target + "' is not platform:chat or platform:chat:thread"
              + " (telegram:-1001234567890, telegram:-1001234567890:7 for a topic)");
    }
    if (!enabled.test(chat.get().platform())) {
      throw new ConfigException(
          TARGET.pathFor(name),
          "'" + target + "' is on " + chat.get().platform()
              + ", which is not enabled on this gateway");
    }
    PromptTemplate prompt;
    try {
      prompt = PromptTemplate.parse(config.get(PROMPT, name));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(PROMPT.pathFor(name), String.valueOf(e.getMessage()));
    }
    return new WebhookRoute(
        name,
        config.get(AUTH, name),
        secret,
        header(config, TOKEN_HEADER, name),
        header(config, DELIVERY_HEADER, name),
        chat.get(),
        config.get(MODE, name),
        prompt,
        config.get(CONVERSATION, name) == WebhookRoute.Conversation.OWN);
  }

  private static String header(Config config, ConfigKey<String> key, String name) {
    String value = config.get(key, name);
    if (!HEADER.matcher(value).matches()) {
      throw new ConfigException(
          key.pathFor(name),
          "'" + value + "' is not a header name (letters, digits and -, at most 64)");
    }
    return value;
  }
}
