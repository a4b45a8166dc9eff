package dev.switchboard.platform.matrix;

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
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The {@code matrix} platform: on when an access token or a password is set. */
public final class MatrixAdapterFactory implements PlatformAdapterFactory {
  /** Encrypted rooms counted by doctor, at most: one request each. */
  private static final int ROOMS_CHECKED = 50;

  @Override
  public String name() {
    return MatrixAdapter.PLATFORM;
  }

  @Override
  public ConfigKey<Boolean> enabledKey() {
    return MatrixSettings.ENABLED;
  }

  @Override
  public List<ConfigKey<?>> credentialKeys() {
    return List.of(MatrixSettings.ACCESS_TOKEN, MatrixSettings.PASSWORD);
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return MatrixSettings.keys();
  }

  @Override
  public PlatformAdapter create(Config config, Path home) {
    return new MatrixAdapter(MatrixSettings.from(config), home, Clock.systemUTC());
  }

  /**
   * whoami with the configured or kept token, and how many joined rooms are encrypted (which
   * the gateway cannot read); without a token yet, whether the homeserver takes password logins.
   * Never logs in: a login would leave a device behind.
   */
  @Override
  public List<Finding> diagnose(Config config, Path home) throws InterruptedException {
    MatrixSettings settings = MatrixSettings.from(config);
    MatrixSession session = new MatrixSession(settings, home);
    try (HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      String kept = session.kept();
      MatrixApi api = new MatrixApi(http, settings.homeserver(), () -> kept, Sleeper.SYSTEM);
      Duration deadline = Duration.ofSeconds(10);
      if (kept == null) {
        JsonNode flows = api.call("GET", "/_matrix/client/v3/login", null, deadline);
        boolean password = false;
        for (JsonNode f : flows.path("flows")) {
          password |= f.path("type").asString("").equals("m.login.password");
        }
        return List.of(
            password
                ? Finding.ok(
                    name(),
                    "the homeserver takes password logins; the gateway logs in as "
                        + settings.user() + " at its first start")
                : Finding.fail(
                    name(),
                    "the homeserver offers no password login",
                    "create an access token for the bot and set "
                        + MatrixSettings.ACCESS_TOKEN.where()));
      }
      JsonNode me = api.call("GET", "/_matrix/client/v3/account/whoami", null, deadline);
      List<Finding> found = new ArrayList<>();
      found.add(Finding.ok(
          name(),
          "the token works: " + me.path("user_id").asString() + " on " + settings.homeserver()
              + " (end-to-end encrypted rooms are not supported)"));
      int encrypted = 0;
      int checked = 0;
      for (JsonNode room :
          api.call("GET", "/_matrix/client/v3/joined_rooms", null, deadline).path("joined_rooms")) {
        if (checked++ >= ROOMS_CHECKED) {
          break;
        }
        try {
          api.call(
              "GET",
              "/_matrix/client/v3/rooms/" + MatrixApi.segment(room.asString())
                  + "/state/m.room.encryption/",
              null,
              deadline);
          encrypted++;
        } catch (MatrixApi.Failure e) {
          if (e.status() != 404) {
            throw e;
          }
        }
      }
      if (encrypted > 0) {
        found.add(Finding.warn(
            name(),
            encrypted + " of the bot's rooms are end-to-end encrypted; the gateway cannot read"
                + " messages there (no encryption support)",
            "talk to the bot in a direct chat or room without encryption"));
      }
      return found;
    } catch (PlatformException e) {
      String why = String.valueOf(e.getMessage());
      boolean refused =
          e instanceof MatrixApi.Failure f && (f.status() == 401 || f.status() == 403);
      return List.of(Finding.fail(
          name(),
          why,
          refused
              ? "set " + MatrixSettings.ACCESS_TOKEN.where() + " to the bot's access token, or "
                  + MatrixSettings.PASSWORD.where() + " to its password"
              : "check " + MatrixSettings.HOMESERVER.where()
                  + " and this machine's network, DNS and proxy"));
    }
  }

  @Override
  public List<String> allowedUsers(Config config) {
    return config.get(MatrixSettings.ALLOWED_USERS);
  }

  @Override
  public List<String> adminUsers(Config config) {
    return config.get(MatrixSettings.ADMIN_USERS);
  }
}
