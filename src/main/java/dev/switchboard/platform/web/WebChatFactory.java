package dev.switchboard.platform.web;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.CoreKeys;
import dev.switchboard.config.ValueType;
import dev.switchboard.http.LoginToken;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformAdapterFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The {@code web} platform: the built-in web chat, on by default so that a gateway with no
 * configuration at all is something a person can talk to in a browser.
 */
public final class WebChatFactory implements PlatformAdapterFactory {
  static final String MAX_FILE_MB = "media.max_file_mb";
  private static final long MB = 1024L * 1024;

  static final ConfigKey<Boolean> ENABLED = ConfigKey.optional(
      "platforms.web.enabled",
      "SWITCHBOARD_WEB_ENABLED",
      ValueType.bool(),
      true,
      "Serve the web chat at / on the HTTP server (login with the token in web_token).");

  @Override
  public String name() {
    return WebChatAdapter.PLATFORM;
  }

  @Override
  public ConfigKey<Boolean> enabledKey() {
    return ENABLED;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(ENABLED);
  }

  @Override
  public PlatformAdapter create(Config config, Path home) {
    // The login token is the HTTP server's (HttpServer.loginToken), taken at mount: one for the
    // web chat and the admin page, so a logout through either is one record.
    Path web = home.resolve("web");
    return new WebChatAdapter(
        new ChatLogs(web, Clock.systemUTC()),
        new ChatFiles(web.resolve("files")),
        maxFileBytes(config),
        Clock.systemUTC());
  }

  /**
   * The gateway's limit on one file ({@code media.max_file_mb}), which uploads from the page
   * and files shown from the agent keep to. Read by its name: the setting belongs to the
   * gateway's attachments, which a platform does not depend on; a schema without it (a test's)
   * has the same default.
   */
  static long maxFileBytes(Config config) {
    Optional<ConfigKey<?>> key = config.schema().byPath(MAX_FILE_MB);
    Object mb = key.isPresent() ? config.get(key.get()) : null;
    return mb instanceof Integer n ? n * MB : WebChatAdapter.DEFAULT_MAX_FILE_BYTES;
  }

  @Override
  public List<Finding> diagnose(Config config, Path home) {
    int port = config.get(CoreKeys.HTTP_PORT);
    String url = "http://" + config.get(CoreKeys.HTTP_HOST) + ":"
        + (port == 0 ? "<any free port>" : Integer.toString(port)) + "/";
    return List.of(Finding.ok(
        name(),
        "web chat at " + url
            + (config.get(CoreKeys.HTTP_AUTH)
                ? " (log in with the token in "
                    + (config.isSet(CoreKeys.HTTP_LOGIN_TOKEN)
                        ? CoreKeys.HTTP_LOGIN_TOKEN.path()
                        : home.resolve(LoginToken.FILE))
                    + ")"
                : " (no login: http.auth is false)")));
  }

  /** The holder of the login token is the web chat's one user, and its admin. */
  @Override
  public List<String> allowedUsers(Config config) {
    return List.of(WebChatAdapter.OWNER);
  }

  @Override
  public List<String> adminUsers(Config config) {
    return List.of(WebChatAdapter.OWNER);
  }
}
