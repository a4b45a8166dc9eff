package dev.switchboard.platform.whatsapp;

import dev.switchboard.common.RedactedRecord;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.HttpUrl;
import dev.switchboard.config.ValueType;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The WhatsApp adapter's settings, under {@code platforms.whatsapp.}.
 *
 * @param templateName the approved template sent when a reply falls outside the 24-hour
 *     customer service window; null for none
 */
record WhatsAppSettings(
    String accessToken,
    String phoneNumberId,
    String appSecret,
    String verifyToken,
    String apiVersion,
    URI apiUrl,
    String webhookHost,
    int webhookPort,
    String webhookPath,
    boolean linkPreviews,
    @Nullable String templateName,
    String templateLanguage) {

  static final ConfigKey<Boolean> ENABLED = ConfigKey.optional(
      "platforms.whatsapp.enabled",
      "WHATSAPP_ENABLED",
      ValueType.bool(),
      null,
      "Turn the WhatsApp adapter on or off; by default it is on when an access token is set.");
  static final ConfigKey<String> ACCESS_TOKEN = ConfigKey.secret(
      "platforms.whatsapp.access_token",
      "WHATSAPP_ACCESS_TOKEN",
      false,
      "A permanent (system user) access token with whatsapp_business_messaging. Setting it"
          + " enables WhatsApp.");
  static final ConfigKey<String> PHONE_NUMBER_ID = ConfigKey.optional(
      "platforms.whatsapp.phone_number_id",
      "WHATSAPP_PHONE_NUMBER_ID",
      ValueType.string(),
      null,
      "The business phone number's id (not the number itself), from WhatsApp > API Setup.");
  static final ConfigKey<String> APP_SECRET = ConfigKey.secret(
      "platforms.whatsapp.app_secret",
      "WHATSAPP_APP_SECRET",
      false,
      "The Meta app's secret: every webhook delivery must be signed with it"
          + " (X-Hub-Signature-256).");
  static final ConfigKey<String> VERIFY_TOKEN = ConfigKey.secret(
      "platforms.whatsapp.verify_token",
      "WHATSAPP_VERIFY_TOKEN",
      false,
      "The verify token typed into the app's webhook settings; Meta sends it back when it checks"
          + " the webhook URL.");
  static final ConfigKey<String> API_VERSION = ConfigKey.optional(
      "platforms.whatsapp.api_version",
      "WHATSAPP_API_VERSION",
      ValueType.string(),
      "v23.0",
      "The Graph API version in every call's path.");
  static final ConfigKey<String> API_URL = ConfigKey.optional(
      "platforms.whatsapp.api_url",
      "WHATSAPP_API_URL",
      ValueType.string(),
      "https://graph.facebook.com",
      "The Graph API's base URL; /<version>/... is appended.");
  static final ConfigKey<String> WEBHOOK_LISTEN = ConfigKey.optional(
      "platforms.whatsapp.webhook_listen",
      "WHATSAPP_WEBHOOK_LISTEN",
      ValueType.string(),
      "127.0.0.1:8444",
      "The host:port the webhook receiver listens on (plain HTTP, behind your HTTPS proxy).");
  static final ConfigKey<String> WEBHOOK_PATH = ConfigKey.optional(
      "platforms.whatsapp.webhook_path",
      "WHATSAPP_WEBHOOK_PATH",
      ValueType.string(),
      "/whatsapp",
      "The path Meta's webhook deliveries and verification requests come to.");
  static final ConfigKey<Boolean> LINK_PREVIEWS = ConfigKey.optional(
      "platforms.whatsapp.link_previews",
      "WHATSAPP_LINK_PREVIEWS",
      ValueType.bool(),
      false,
      "Whether WhatsApp shows a preview of the first link in a reply (preview_url).");
  static final ConfigKey<String> TEMPLATE_NAME = ConfigKey.optional(
      "platforms.whatsapp.template_name",
      "WHATSAPP_TEMPLATE_NAME",
      ValueType.string(),
      null,
      "An approved message template (without parameters) sent instead of a reply that falls"
          + " outside the 24-hour window; none by default.");
  static final ConfigKey<String> TEMPLATE_LANGUAGE = ConfigKey.optional(
      "platforms.whatsapp.template_language",
      "WHATSAPP_TEMPLATE_LANGUAGE",
      ValueType.string(),
      "en_US",
      "The language code of that template.");
  static final ConfigKey<List<String>> ALLOWED_USERS = ConfigKey.optional(
      "platforms.whatsapp.allowed_users",
      "WHATSAPP_ALLOWED_USERS",
      ValueType.stringList(),
      List.of(),
      "WhatsApp numbers (wa_id: country code and number, digits only) allowed to talk to the"
          + " agent.");
  static final ConfigKey<List<String>> ADMIN_USERS = ConfigKey.optional(
      "platforms.whatsapp.admin_users",
      "WHATSAPP_ADMIN_USERS",
      ValueType.stringList(),
      List.of(),
      "WhatsApp numbers who may also run admin commands such as /restart.");

  static List<ConfigKey<?>> keys() {
    return List.of(
        ENABLED,
        ACCESS_TOKEN,
        PHONE_NUMBER_ID,
        APP_SECRET,
        VERIFY_TOKEN,
        API_VERSION,
        API_URL,
        WEBHOOK_LISTEN,
        WEBHOOK_PATH,
        LINK_PREVIEWS,
        TEMPLATE_NAME,
        TEMPLATE_LANGUAGE,
        ALLOWED_USERS,
        ADMIN_USERS);
  }

  static WhatsAppSettings from(Config c) {
    String token = required(c, ACCESS_TOKEN, "the access token");
    if (!token.matches("[A-Za-z0-9_.|-]{20,}")) {
      throw new ConfigException(
          ACCESS_TOKEN.path(),
          "does not look like a Graph API access token (at least 20 letters and digits, no"
              + " spaces or quotes)");
    }
    String phone = required(c, PHONE_NUMBER_ID, "the phone number id");
    if (!phone.matches("\\d{1,30}")) {
      throw new ConfigException(
          PHONE_NUMBER_ID.path(),
          "expected the phone number's id, digits only (WhatsApp > API Setup shows it), got '"
              + phone + "'");
    }
    String appSecret = required(c, APP_SECRET, "the app secret");
    String verify = required(c, VERIFY_TOKEN, "a verify token");
    if (verify.isBlank() || verify.length() < 16) {
      throw new ConfigException(
          VERIFY_TOKEN.path(),
          "has " + verify.length() + " characters; use at least 16 (e.g. openssl rand -hex 16)");
    }
    String version = c.get(API_VERSION);
    if (!version.matches("v\\d{1,3}\\.\\d{1,2}")) {
      throw new ConfigException(
          API_VERSION.path(), "expected a Graph API version such as v23.0, got '" + version + "'");
    }
    URI url = HttpUrl.parse(API_URL, c.get(API_URL));
    String listen = c.get(WEBHOOK_LISTEN);
    int colon = listen.lastIndexOf(':');
    String listenRule = "expected host:port, a host before the last colon and a port from 1 to"
        + " 65535 after it, got '" + listen + "'";
    if (colon <= 0 || !listen.substring(colon + 1).matches("\\d{1,5}")) {
      throw new ConfigException(WEBHOOK_LISTEN.path(), listenRule);
    }
    int port = Integer.parseInt(listen.substring(colon + 1));
    if (port < 1 || port > 65535) {
      throw new ConfigException(WEBHOOK_LISTEN.path(), listenRule);
    }
    String path = c.get(WEBHOOK_PATH);
    if (!path.matches("/[A-Za-z0-9._~/-]*")) {
      throw new ConfigException(
          WEBHOOK_PATH.path(),
          "expected a path that starts with / (letters, digits, . _ ~ - /), got '" + path + "'");
    }
    String template = c.get(TEMPLATE_NAME);
    if (template != null && !template.matches("[a-z0-9_]{1,512}")) {
      throw new ConfigException(
          TEMPLATE_NAME.path(),
          "expected a template name as WhatsApp Manager shows it (lower-case letters, digits"
              + " and _), got '" + template + "'");
    }
    String language = c.get(TEMPLATE_LANGUAGE);
    if (!language.matches("[a-z]{2,3}(_[A-Za-z]{2,4})?")) {
      throw new ConfigException(
          TEMPLATE_LANGUAGE.path(),
          "expected a language code such as en or en_US, got '" + language + "'");
    }
    return new WhatsAppSettings(
        token,
        phone,
        appSecret,
        verify,
        version,
        url,
        listen.substring(0, colon),
        port,
        path,
        c.get(LINK_PREVIEWS),
        template,
        language);
  }

  private static String required(Config c, ConfigKey<String> key, String what) {
    String value = c.get(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException(
          key.path(), "WhatsApp is enabled but has no " + what + "; set " + key.where());
    }
    return value.strip();
  }

  /**
   * A list of WhatsApp numbers as wa_ids: "+1 555-010-0100" is {@code 15550100100}, as the
   * webhook names its sender. Anything but digits after that is a {@link ConfigException}.
   */
  static List<String> waIds(Config c, ConfigKey<List<String>> key) {
    List<String> out = new ArrayList<>();
    for (String entry : c.get(key)) {
      String digits = entry.replaceAll("[\\s()+.-]", "");
      if (!digits.matches("\\d{5,20}")) {
        throw new ConfigException(
            key.path(),
            "'" + entry + "' is not a WhatsApp number; expected the country code and number,"
                + " such as 15550100100");
      }
      out.add(digits);
    }
    return List.copyOf(out);
  }

  /** Without the access token, the app secret and the verify token. */
  @Override
  public String toString() {
    return RedactedRecord.toString(this, Set.of("accessToken", "appSecret", "verifyToken"));
  }
}
