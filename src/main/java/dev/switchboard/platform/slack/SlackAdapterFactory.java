package dev.switchboard.platform.slack;

import dev.switchboard.common.Finding;
import dev.switchboard.common.Sleeper;
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

/** The {@code slack} platform: on when both tokens are set, unless turned off explicitly. */
public final class SlackAdapterFactory implements PlatformAdapterFactory {
  @Override
  public String name() {
    return SlackAdapter.PLATFORM;
  }

  @Override
  public ConfigKey<Boolean> enabledKey() {
    return SlackSettings.ENABLED;
  }

  @Override
  public List<ConfigKey<?>> credentialKeys() {
    return List.of(SlackSettings.BOT_TOKEN, SlackSettings.APP_TOKEN);
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return SlackSettings.keys();
  }

  @Override
  public PlatformAdapter create(Config config, Path home) {
    return new SlackAdapter(SlackSettings.from(config), Clock.systemUTC());
  }

  /** auth.test with the bot token: proves the token and the route, changes nothing. */
  @Override
  public List<Finding> diagnose(Config config, Path home) throws InterruptedException {
    SlackSettings settings = SlackSettings.from(config);
    try (HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      var me = new SlackWebApi(http, settings.apiBaseUrl(), Sleeper.SYSTEM)
          .call("auth.test", settings.botToken(), null, Duration.ofSeconds(10));
      return List.of(Finding.ok(
          name(),
          "the bot token works: " + me.path("user").asString() + " ("
              + me.path("user_id").asString() + ") in " + me.path("team").asString()));
    } catch (PlatformException e) {
      String why = String.valueOf(e.getMessage());
      return List.of(Finding.fail(
          name(),
          why,
          (why.contains("invalid_auth") || why.contains("not_authed"))
              ? "set " + SlackSettings.BOT_TOKEN.where()
                  + " to the Bot User OAuth Token (OAuth & Permissions)"
              : "check this machine's" + " network, DNS and proxy"));
    }
  }

  @Override
  public List<String> allowedUsers(Config config) {
    return config.get(SlackSettings.ALLOWED_USERS);
  }

  @Override
  public List<String> adminUsers(Config config) {
    return config.get(SlackSettings.ADMIN_USERS);
  }
}
