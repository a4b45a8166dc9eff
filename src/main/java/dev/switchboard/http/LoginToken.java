package dev.switchboard.http;

import dev.switchboard.common.AtomicFiles;
import dev.switchboard.common.ConstantTime;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.CoreKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Request;
import org.jspecify.annotations.Nullable;

/**
 * The login token of the web chat and the admin page: 32 random bytes, created at the first
 * start in {@code web_token} (owner-only) in the state directory and kept across restarts.
 *
 * <p>The browser never keeps the token itself: logging in sets an HttpOnly cookie holding the
 * time of the log-in and an HMAC of that time keyed by the token. So a restarted gateway
 * accepts the same cookie (no log-in after every restart), the cookie is refused after
 * {@link #COOKIE_LIFETIME} whatever the browser does with it, and replacing the file logs every
 * browser out. All comparisons take constant time.
 *
 * <p>Logging out revokes the cookie it carried ({@link RevokedCookies}, kept across restarts),
 * so a copy the client kept no longer logs in.
 */
public final class LoginToken {
  public static final String FILE = "web_token";
  public static final String COOKIE = "switchboard_login";
  public static final Duration COOKIE_LIFETIME = Duration.ofDays(30);
  private static final String COOKIE_PURPOSE = "switchboard web login cookie v2 issued ";
  /** Clocks of two processes may differ a little; a cookie from "the future" beyond is forged. */
  private static final long SKEW_SECONDS = 300;
  /** What {@link #issuedSecond} says of a value that is not a valid cookie of this token. */
  private static final long NOT_OURS = Long.MIN_VALUE;

  private final String token;
  private final boolean createdNow;
  private final Path file;
  /** The setting that gave the token; null when it is the file's. */
  private final @Nullable String setting;

  private final RevokedCookies revoked;

  private LoginToken(String token, boolean createdNow, Path file) {
    this(token, createdNow, file, null);
  }

  private LoginToken(String token, boolean createdNow, Path file, @Nullable String setting) {
    this.token = token;
    this.createdNow = createdNow;
    this.file = file;
    this.setting = setting;
    this.revoked = new RevokedCookies(
        file.resolveSibling(RevokedCookies.FILE),
        COOKIE_LIFETIME.plusSeconds(SKEW_SECONDS),
        RevokedCookies.MAX_ENTRIES);
  }

  /**
   * The token {@code http.login_token} gives when it is set, else the one in the state
   * directory's file (made at the first start).
   *
   * @throws ConfigException when the configured one is too short
   */
  public static LoginToken of(Config config, Path home) throws IOException {
    ConfigKey<String> key = CoreKeys.HTTP_LOGIN_TOKEN;
    if (!config.isSet(key)) {
      return loadOrCreate(home);
    }
    try {
      return configured(config.get(key), home, key.path() + " (" + key.env() + ")");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key.path(), String.valueOf(e.getMessage()));
    }
  }

  /**
   * The token given in the configuration ({@code setting} names where), instead of the file:
   * several gateways serving one web chat share it, so a login cookie of one is one of all.
   * The file is then neither read nor written.
   *
   * @throws IllegalArgumentException when it is too short to be a secret
   */
  public static LoginToken configured(String token, Path home, String setting) {
    String t = token.strip();
    if (t.length() < 16) {
      throw new IllegalArgumentException(
          "has " + t.length() + " characters; use at least 16 (e.g. openssl rand -hex 32)");
    }
    return new LoginToken(t, false, home.resolve(FILE), setting);
  }

  /** Reads the token, or creates it when the state directory has none yet. */
  public static LoginToken loadOrCreate(Path home) throws IOException {
    Path file = home.resolve(FILE);
    if (Files.isRegularFile(file)) {
      String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (existing.length() < 16) {
        throw new IOException(file + " holds no usable token (under 16 characters); delete it"
            + " and a new one is made at the next start");
      }
      return new LoginToken(existing, false, file);
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    AtomicFiles.write(file, (fresh + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    return new LoginToken(fresh, true, file);
  }

  /** True when this start created the token: the only time it is shown. */
  public boolean createdNow() {
    return createdNow;
  }

  public Path file() {
    return file;
  }

  /** Where the token is kept, for the log: the file, or the setting that gave it. */
  public String where() {
    return setting == null ? file.toString() : "the setting " + setting;
  }

  /** Where the token is kept, for a client who gave a wrong one: no path of this machine. */
  public String whereForClients() {
    return setting == null
        ? "the file " + FILE + " in Switchboard's state directory"
        : "the setting " + setting + " of Switchboard's configuration";
  }

  /** The token itself, to show once at the first start. */
  public String reveal() {
    return token;
  }

  public boolean matches(String candidate) {
    return candidate != null && constantTimeEquals(token, candidate.strip());
  }

  /** The value of a login cookie issued at {@code issuedAt}. */
  public String cookieValue(Instant issuedAt) {
    long seconds = issuedAt.getEpochSecond();
    return seconds + "." + hmac(token, COOKIE_PURPOSE + seconds);
  }

  /** Whether {@code value} is a cookie of this token, still valid at {@code now}. */
  public boolean accepts(String value, Instant now) {
    long issued = issuedSecond(value, now);
    return issued != NOT_OURS && !revoked.revoked(issued, value);
  }

  /** When the cookie {@code value} was issued, if it is ours and unexpired, else NOT_OURS. */
  private long issuedSecond(String value, Instant now) {
    int dot = value == null ? -1 : value.indexOf('.');
    if (dot < 1 || dot > 19) {
      return NOT_OURS;
    }
    long issued;
    try {
      issued = Long.parseLong(value.substring(0, dot));
    } catch (NumberFormatException e) {
      return NOT_OURS;
    }
    long age = now.getEpochSecond() - issued;
    boolean ours = age >= -SKEW_SECONDS
        && age <= COOKIE_LIFETIME.toSeconds()
        && constantTimeEquals(hmac(token, COOKIE_PURPOSE + issued), value.substring(dot + 1));
    return ours ? issued : NOT_OURS;
  }

  /** Whether the request carries a valid login cookie. */
  public boolean authenticates(Request request) {
    Instant now = Instant.now();
    for (HttpCookie c : Request.getCookies(request)) {
      if (COOKIE.equals(c.getName()) && accepts(c.getValue(), now)) {
        return true;
      }
    }
    return false;
  }

  /** Logs out the cookie {@code value} for good; nothing happens if it is not a valid one. */
  public void revoke(String value, Instant now) throws IOException {
    long issued = issuedSecond(value, now);
    if (issued != NOT_OURS) {
      revoked.revoke(issued, value, now);
    }
  }

  /**
   * From now on keeps the logged-out cookies in {@code store} too (gateways share it): what it
   * holds is added to this gateway's record now, and each logout is written to both. Returns
   * false, having logged why, when the store could not be reached now; each later logout tries
   * again.
   */
  public boolean shareLogouts(SharedLogouts store) {
    return revoked.share(store, Instant.now());
  }

  /** Logs out every login cookie the request carries. */
  public void revokeCookies(Request request) throws IOException {
    Instant now = Instant.now();
    for (HttpCookie c : Request.getCookies(request)) {
      if (COOKIE.equals(c.getName())) {
        revoke(c.getValue(), now);
      }
    }
  }

  /**
   * The Set-Cookie header that logs a browser in now; {@code secure} (the page came over HTTPS)
   * keeps the browser from ever sending it over plain HTTP.
   */
  public String loginCookieHeader(boolean secure) {
    return COOKIE + "=" + cookieValue(Instant.now()) + "; Path=/; HttpOnly;"
        + (secure ? " Secure;" : "") + " SameSite=Strict; Max-Age=" + COOKIE_LIFETIME.toSeconds();
  }

  /** The Set-Cookie header that makes a browser forget its cookie. */
  public static String logoutCookieHeader(boolean secure) {
    return COOKIE + "=; Path=/; HttpOnly;" + (secure ? " Secure;" : "")
        + " SameSite=Strict; Max-Age=0";
  }

  private static boolean constantTimeEquals(String expected, String candidate) {
    return ConstantTime.secretEquals(expected, candidate);
  }

  private static String hmac(String key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "LoginToken[" + file + "]"; // never the token
  }
}
