package dev.switchboard.reliability;

import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The configuration the soaks give the gateway, all from the environment as a service manager
 * would set it: the fake Bot API, the OpenAI-compatible backend against the fake model, every
 * user allowed, busy policy {@code queue} (a chat asking before its last answer is done waits
 * behind it; {@code interrupt} would cut that answer off and the soak count it lost), HTTP on
 * any free port. Each soak adds what is its own.
 */
final class SoakGatewayEnvironment {
  private SoakGatewayEnvironment() {}

  /** @param run names the run, as systemd's INVOCATION_ID and in the model's API key */
  static Map<String, String> of(
      String run, FakeTelegramServer telegram, SoakModel model, Duration editInterval) {
    Map<String, String> env = new HashMap<>();
    env.put("INVOCATION_ID", run); // under a service manager, as systemd would say
    env.put("TELEGRAM_BOT_TOKEN", telegram.token());
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    env.put("TELEGRAM_EDIT_INTERVAL", editInterval.toMillis() + "ms");
    // Out of the way: the fake does not limit, previews should follow the edit interval, and
    // 50 chats a second would exceed Telegram's 30.
    env.put("TELEGRAM_CHAT_MESSAGES_PER_MINUTE", "100000");
    env.put("TELEGRAM_GLOBAL_MESSAGES_PER_SECOND", "100000");
    env.put("OPENAI_BASE_URL", model.baseUrl());
    env.put("OPENAI_API_KEY", "sk-" + run + "-0123456789abcdef");
    env.put("SWITCHBOARD_MODEL", "soak-model");
    env.put("SWITCHBOARD_ALLOW_ALL_USERS", "true");
    env.put("SWITCHBOARD_BUSY_POLICY", "queue");
    env.put("SWITCHBOARD_HTTP_PORT", "0");
    return env;
  }
}
