package dev.switchboard.media;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The base URL of an OpenAI-compatible audio API ({@code https://api.openai.com/v1}), checked
 * the way {@code agent.openai.base_url} is: an http(s) URL with a host, no query, fragment or
 * credentials (a key goes in its own secret setting, never in a URL that errors and logs show).
 * The errors name the setting and never echo the value, which might hold a password.
 */
final class AudioBaseUrl {
  private AudioBaseUrl() {}

  static URI parse(ConfigKey<String> key, ConfigKey<String> apiKey, String raw) {
    String expected = "expected an http or https URL such as https://api.openai.com/v1";
    URI uri;
    try {
      uri = new URI(raw.strip());
    } catch (URISyntaxException e) {
      throw new ConfigException(key.path(), "not a URL; " + expected);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new ConfigException(key.path(), "not an http(s) URL with a host; " + expected);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigException(key.path(), "must not have a query or fragment; " + expected);
    }
    if (uri.getRawUserInfo() != null) {
      throw new ConfigException(
          key.path(), "must not contain credentials; put the key in " + apiKey.where());
    }
    String s = uri.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return URI.create(s);
  }
}
