package dev.switchboard.platform.api;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.CoreKeys;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformAdapterFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** The {@code api} platform: on when {@code API_SERVER_KEY} is set, unless turned off. */
public final class ApiServerFactory implements PlatformAdapterFactory {
  @Override
  public String name() {
    return ApiServerAdapter.PLATFORM;
  }

  @Override
  public ConfigKey<Boolean> enabledKey() {
    return ApiSettings.ENABLED;
  }

  @Override
  public List<ConfigKey<?>> credentialKeys() {
    return List.of(ApiSettings.KEY);
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ApiSettings.keys();
  }

  @Override
  public PlatformAdapter create(Config config, Path home) {
    return new ApiServerAdapter(
        ApiSettings.from(config), Clock.systemUTC(), home.resolve("cache").resolve("api"));
  }

  /** Whoever holds the key is the API's one user; not an admin (no /restart over the API). */
  @Override
  public List<String> allowedUsers(Config config) {
    return List.of(ApiServerAdapter.CLIENT);
  }

  @Override
  public List<Finding> diagnose(Config config, Path home) {
    ApiSettings settings = ApiSettings.from(config); // a short key is a ConfigException
    return List.of(Finding.ok(
        name(),
        "OpenAI-compatible API at http://"
            + config.get(CoreKeys.HTTP_HOST) + ":"
            + config.get(CoreKeys.HTTP_PORT) + "/v1, model name '"
            + settings.modelName() + "', key set"));
  }
}
