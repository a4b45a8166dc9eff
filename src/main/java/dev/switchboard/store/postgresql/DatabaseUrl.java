package dev.switchboard.store.postgresql;

import dev.switchboard.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The {@code store.url} a user writes ({@code postgresql://user@host[:port]/database[?params]},
 * libpq's form) and the JDBC URL pgjdbc takes. A password in the URL is refused: the URL is shown
 * by {@code switchboard status} and in logs, so the password comes from the environment or a file.
 *
 * @param shown the URL as the user wrote it, safe to show
 */
record DatabaseUrl(String jdbc, String user, String host, int port, String database, String shown) {
  static final int DEFAULT_PORT = 5432;

  static DatabaseUrl parse(String key, String url) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new ConfigException(
          key,
          "is not a URL (" + e.getReason() + "); expected "
              + "postgresql://user@host:5432/database");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
      throw new ConfigException(
          key,
          "must start with postgresql:// (it starts with '"
              + (scheme.isEmpty() ? url.strip() : scheme + "://")
              + "'); SQLite, the default, needs no URL");
    }
    String info = uri.getRawUserInfo();
    if (info != null && info.contains(":")) {
      throw new ConfigException(
          key,
          "holds a password; put it in SWITCHBOARD_DATABASE_PASSWORD"
              + " or a file named by store.postgresql.password_file, so that it is never shown");
    }
    String rawQuery = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    for (String param : rawQuery.split("&", -1)) {
      if (param.toLowerCase(Locale.ROOT).startsWith("password=")) {
        throw new ConfigException(
            key,
            "holds a password parameter; put it in"
                + " SWITCHBOARD_DATABASE_PASSWORD or a file named by store.postgresql.password_file,"
                + " so that it is never shown");
      }
    }
    String user = info == null ? "" : uri.getUserInfo();
    if (user.isBlank()) {
      throw new ConfigException(key, "names no user; expected postgresql://user@host/database");
    }
    String host = uri.getHost();
    if (host == null || host.isBlank()) {
      throw new ConfigException(key, "names no host; expected postgresql://user@host/database");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (database.isBlank() || database.contains("/")) {
      throw new ConfigException(key, "names no database (the path after the host: /switchboard)");
    }
    int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
    String query = rawQuery.isEmpty() ? "" : "?" + rawQuery;
    String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return new DatabaseUrl(
        "jdbc:postgresql://" + hostPart + ":" + port + "/" + database + query,
        user,
        host,
        port,
        database,
        url.strip());
  }

  /** host:port/database, for messages. */
  String where() {
    return host + ":" + port + "/" + database;
  }
}
