package dev.switchboard.platform.telegram;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.http.TrustedProxies;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformAdapterFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/** The {@code telegram} platform: on when a bot token is set, unless turned off explicitly. */
public final class TelegramAdapterFactory implements PlatformAdapterFactory {
  @Override
  public String name() {
    return "telegram";
  }

  @Override
  public ConfigKey<Boolean> enabledKey() {
    return TelegramSettings.ENABLED;
  }

  @Override
  public List<ConfigKey<?>> credentialKeys() {
    return List.of(TelegramSettings.TOKEN);
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return TelegramSettings.keys();
  }

  @Override
  public PlatformAdapter create(Config config, Path home) {
    return new TelegramAdapter(TelegramSettings.from(config), TrustedProxies.from(config));
  }

  /** getMe with the configured token: the cheapest call that proves the token and the route. */
  @Override
  public List<Finding> diagnose(Config config, Path home) throws InterruptedException {
    TelegramSettings settings = TelegramSettings.from(config);
    String where = settings.apiBaseUrl().getHost();
    try (TelegramApi api = new TelegramApi(settings.apiBaseUrl(), settings.token())) {
      JsonNode me = api.call("getMe", api.params(), Duration.ofSeconds(10));
      return List.of(Finding.ok(
          name(),
          "the token works: bot @"
              + me.path("username").asString() + " (id " + me.path("id").asLong() + "), "
              + settings.mode().name().toLowerCase(Locale.ROOT) + " mode, via " + where));
    } catch (TelegramApiException e) {
      if (e.kind() == TelegramApiException.Kind.API_ERROR
          && (e.errorCode() == 401 || e.errorCode() == 404)) {
        return List.of(Finding.fail(
            name(),
            "the Bot API refused the token (" + e.errorCode() + ": " + e.getMessage() + ")",
            "set " + TelegramSettings.TOKEN.where()
                + " to the token @BotFather gave you (/mybots there shows it again)"));
      }
      return List.of(Finding.fail(
          name(),
          "getMe via " + where + " failed: " + e.getMessage(),
          e.kind() == TelegramApiException.Kind.API_ERROR
              ? "try again later; if it persists," + " check Telegram's status"
              : "check this machine's network, DNS and proxy, or "
                  + TelegramSettings.API_BASE_URL.path() + " if you use a local Bot API server"));
    }
  }

  @Override
  public List<String> allowedUsers(Config config) {
    return config.get(TelegramSettings.ALLOWED_USERS);
  }

  @Override
  public List<String> adminUsers(Config config) {
    return config.get(TelegramSettings.ADMIN_USERS);
  }
}
