package dev.switchboard.platform.mattermost;

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
import tools.jackson.databind.JsonNode;

/** The {@code mattermost} platform: on when the token is set, unless turned off explicitly. */
public final class MattermostAdapterFactory implements PlatformAdapterFactory {
  @Override
  public String name() {
    return MattermostAdapter.PLATFORM;
  }

  @Override
  public ConfigKey<Boolean> enabledKey() {
    return MattermostSettings.ENABLED;
  }

  @Override
  public List<ConfigKey<?>> credentialKeys() {
    return List.of(MattermostSettings.TOKEN);
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return MattermostSettings.keys();
  }

  @Override
  public PlatformAdapter create(Config config, Path home) {
    return new MattermostAdapter(MattermostSettings.from(config), Clock.systemUTC());
  }

  /** GET /users/me with the token: proves the token, the address and the route. */
  @Override
  public List<Finding> diagnose(Config config, Path home) throws InterruptedException {
    MattermostSettings settings = MattermostSettings.from(config);
    try (HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      JsonNode me = new MattermostApi(http, settings.apiBase(), settings.token(), Sleeper.SYSTEM)
          .call("GET", "/users/me", null, Duration.ofSeconds(10));
      return List.of(Finding.ok(
          name(),
          "the token works: @" + me.path("username").asString() + " (id "
              + me.path("id").asString() + ") on " + settings.url()));
    } catch (PlatformException e) {
      String why = String.valueOf(e.getMessage());
      boolean refused =
          e instanceof MattermostApi.Failure f && (f.status() == 401 || f.status() == 403);
      return List.of(Finding.fail(
          name(),
          why,
          refused
              ? "set " + MattermostSettings.TOKEN.where()
                  + " to the bot account's access token (Integrations, Bot Accounts)"
              : "check " + MattermostSettings.URL.where()
                  + " and this machine's network, DNS and proxy"));
    }
  }

  @Override
  public List<String> allowedUsers(Config config) {
    return config.get(MattermostSettings.ALLOWED_USERS);
  }

  @Override
  public List<String> adminUsers(Config config) {
    return config.get(MattermostSettings.ADMIN_USERS);
  }
}
