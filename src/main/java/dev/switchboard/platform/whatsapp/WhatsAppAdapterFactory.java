package dev.switchboard.platform.whatsapp;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.http.TrustedProxies;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformAdapterFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The {@code whatsapp} platform: on when an access token is set, unless turned off explicitly. */
public final class WhatsAppAdapterFactory implements PlatformAdapterFactory {
  @Override
  public String name() {
    return WhatsAppAdapter.NAME;
  }

  @Override
  public ConfigKey<Boolean> enabledKey() {
    return WhatsAppSettings.ENABLED;
  }

  @Override
  public List<ConfigKey<?>> credentialKeys() {
    return List.of(WhatsAppSettings.ACCESS_TOKEN);
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return WhatsAppSettings.keys();
  }

  @Override
  public PlatformAdapter create(Config config, Path home) {
    WhatsAppSettings.waIds(config, WhatsAppSettings.ALLOWED_USERS); // refuse bad numbers early
    WhatsAppSettings.waIds(config, WhatsAppSettings.ADMIN_USERS);
    return new WhatsAppAdapter(WhatsAppSettings.from(config), TrustedProxies.from(config));
  }

  /**
   * {@code GET /<phone-number-id>} with the configured token: the cheapest call that proves the
   * token, the phone number id and the route, with no side effects.
   */
  @Override
  public List<Finding> diagnose(Config config, Path home) throws InterruptedException {
    WhatsAppSettings settings = WhatsAppSettings.from(config);
    String where = settings.apiUrl().getHost();
    try (GraphApi api =
        new GraphApi(settings.apiUrl(), settings.apiVersion(), settings.accessToken())) {
      JsonNode phone = api.get(
          settings.phoneNumberId() + "?fields=display_phone_number,verified_name",
          Duration.ofSeconds(10));
      return List.of(Finding.ok(
          name(),
          "the token works: phone number " + phone.path("display_phone_number").asString("?")
              + " (" + phone.path("verified_name").asString("no verified name") + "), id "
              + settings.phoneNumberId() + ", Graph API " + settings.apiVersion() + " via "
              + where));
    } catch (GraphApiException e) {
      if (e.tokenRefused()) {
        return List.of(Finding.fail(
            name(),
            "Meta refused the access token (190: " + e.details() + ")",
            "set " + WhatsAppSettings.ACCESS_TOKEN.where() + " to a permanent system-user token"
                + " with whatsapp_business_messaging (Business Settings > System users)"));
      }
      if (e.kind() == GraphApiException.Kind.API_ERROR
          && (e.code() == 100 || e.httpStatus() == 404)) {
        return List.of(Finding.fail(
            name(),
            "the Graph API does not know phone number id " + settings.phoneNumberId()
                + " for this token: " + e.getMessage(),
            "set " + WhatsAppSettings.PHONE_NUMBER_ID.where() + " to the id WhatsApp > API"
                + " Setup shows (not the phone number itself)"));
      }
      return List.of(Finding.fail(
          name(),
          "GET /" + settings.apiVersion() + "/<phone-number-id> via " + where + " failed: "
              + e.getMessage(),
          e.kind() == GraphApiException.Kind.API_ERROR
              ? "try again later; if it persists, check Meta's status page"
              : "check this machine's network, DNS and proxy, or "
                  + WhatsAppSettings.API_URL.path()));
    }
  }

  @Override
  public List<String> allowedUsers(Config config) {
    return WhatsAppSettings.waIds(config, WhatsAppSettings.ALLOWED_USERS);
  }

  @Override
  public List<String> adminUsers(Config config) {
    return WhatsAppSettings.waIds(config, WhatsAppSettings.ADMIN_USERS);
  }
}
