package dev.switchboard.platform.matrix;

import dev.switchboard.common.AtomicFiles;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bot's access token: the configured one, or one from a password login, made once and kept
 * in the state directory ({@value #FILE}, readable by its owner only) with its device id, so that
 * a restart neither logs in again nor leaves a new device behind each time. A kept token the
 * homeserver refuses is dropped, and the next login reuses the device.
 */
final class MatrixSession {
  static final String FILE = "matrix-session.json";
  private static final Logger log = LoggerFactory.getLogger(MatrixSession.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final MatrixSettings settings;
  private final Path file;
  private volatile @Nullable String token;
  private volatile @Nullable String deviceId;

  MatrixSession(MatrixSettings settings, Path home) {
    this.settings = settings;
    this.file = home.resolve(FILE);
    this.token = settings.accessToken();
  }

  @Nullable
  String token() {
    return token;
  }

  /** True when the token comes from a login the gateway can make again. */
  boolean canLogIn() {
    return settings.accessToken() == null;
  }

  /** A token: the configured one, the kept one, or a new login's. */
  void ensure(MatrixApi api) throws PlatformException, InterruptedException {
    if (token != null) {
      return;
    }
    JsonNode kept = ours(read());
    if (kept != null) {
      deviceId = kept.path("device_id").asString(null);
      String t = kept.path("access_token").asString("");
      if (!t.isEmpty()) {
        token = t;
        return;
      }
    }
    logIn(api);
  }

  /** The kept token, for a look that must not log in ({@code doctor}); null when none. */
  @Nullable
  String kept() {
    if (settings.accessToken() != null) {
      return settings.accessToken();
    }
    JsonNode kept = ours(read());
    String t = kept == null ? "" : kept.path("access_token").asString("");
    return t.isEmpty() ? null : t;
  }

  /** The kept session if it is this homeserver's and this configured user's. */
  private @Nullable JsonNode ours(@Nullable JsonNode kept) {
    return kept != null
            && settings.homeserver().toString().equals(kept.path("homeserver").asString(""))
            && String.valueOf(settings.user()).equals(kept.path("user").asString(""))
        ? kept
        : null;
  }

  /**
   * The homeserver refused the token: a login's is forgotten, to log in again. The device id is
   * kept, so the next login is the same device (and its sends' transaction ids still count).
   */
  void refused() {
    if (canLogIn()) {
      token = null;
      write(null);
    }
  }

  private void logIn(MatrixApi api) throws PlatformException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("type", "m.login.password");
    body.putObject("identifier").put("type", "m.id.user").put("user", settings.user());
    body.put("password", settings.password()).put("initial_device_display_name", "Switchboard");
    if (deviceId != null) {
      body.put("device_id", deviceId);
    }
    JsonNode answer = api.call("POST", "/_matrix/client/v3/login", body, Duration.ofSeconds(30));
    String t = answer.path("access_token").asString("");
    if (t.isEmpty()) {
      throw new PlatformException("POST /_matrix/client/v3/login: no access token", true);
    }
    deviceId = answer.path("device_id").asString(null);
    write(t);
    token = t;
    log.info("matrix: logged in as {} (device {})", settings.user(), deviceId);
  }

  /** Keeps the device id, and the token unless it is null. */
  private void write(@Nullable String accessToken) {
    ObjectNode kept = JSON.createObjectNode()
        .put("homeserver", settings.homeserver().toString())
        .put("user", String.valueOf(settings.user()))
        .put("device_id", deviceId);
    if (accessToken != null) {
      kept.put("access_token", accessToken);
    }
    try {
      AtomicFiles.write(file, kept.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // Still logged in; without the file the next start logs in again as a new device.
      log.warn("matrix: could not keep the session in {}: {}", file, e.getMessage());
    }
  }

  private @Nullable JsonNode read() {
    try {
      return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | JacksonException e) {
      log.warn("matrix: ignoring an unreadable {}: {}", file, e.getClass().getSimpleName());
      return null;
    }
  }
}
