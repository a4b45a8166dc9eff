package dev.switchboard.platform.discord;

import dev.switchboard.common.Finding;
import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.common.Version;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformAdapterFactory;
import dev.switchboard.platform.PlatformException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The {@code discord} platform: on when a bot token is set, unless turned off explicitly. */
public final class DiscordAdapterFactory implements PlatformAdapterFactory {
  @Override
  public String name() {
    return DiscordAdapter.PLATFORM;
  }

  @Override
  public ConfigKey<Boolean> enabledKey() {
    return DiscordSettings.ENABLED;
  }

  @Override
  public List<ConfigKey<?>> credentialKeys() {
    return List.of(DiscordSettings.TOKEN);
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return DiscordSettings.keys();
  }

  @Override
  public PlatformAdapter create(Config config, Path home) {
    return new DiscordAdapter(DiscordSettings.from(config), Version.current(), Clock.systemUTC());
  }

  /** GET /users/@me with the token: proves the token and the route, changes nothing. */
  @Override
  public List<Finding> diagnose(Config config, Path home) throws InterruptedException {
    DiscordSettings settings = DiscordSettings.from(config);
    try (HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      var me = new DiscordRest(
              http,
              settings.apiBaseUrl(),
              settings.token(),
              Version.current(),
              new RateLimits(Ticker.system()),
              Sleeper.SYSTEM)
          .call("GET", "GET /users/@me", "-", "/users/@me", null, Duration.ofSeconds(10));
      return List.of(Finding.ok(
          name(),
          "the token works: bot " + me.path("username").asString() + " (id "
              + me.path("id").asString() + ")"));
    } catch (PlatformException e) {
      String why = String.valueOf(e.getMessage());
      return List.of(Finding.fail(
          name(),
          why,
          why.contains("HTTP 401")
              ? "set " + DiscordSettings.TOKEN.where() + " to the bot's token (Developer Portal,"
                  + " Bot, Reset Token)"
              : "check this machine's network, DNS and proxy"));
    }
  }

  @Override
  public List<String> allowedUsers(Config config) {
    return config.get(DiscordSettings.ALLOWED_USERS);
  }

  @Override
  public List<String> adminUsers(Config config) {
    return config.get(DiscordSettings.ADMIN_USERS);
  }
}
