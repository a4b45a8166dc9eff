package dev.switchboard.config;

import java.net.URI;

/** An http(s) base URL setting with a host, its trailing slash dropped. */
public final class HttpUrl {
  private HttpUrl() {}

  /** The URL in {@code value}, or a {@link ConfigException} naming {@code key}. */
  public static URI parse(ConfigKey<String> key, String value) {
    try {
      URI u = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
      if (u.getScheme() == null || !u.getScheme().matches("https?") || u.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          key.path(),
          "expected an http:// or https:// URL with a host, such as https://example.com, got '"
              + value + "'");
    }
  }
}
