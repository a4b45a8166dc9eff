package dev.switchboard.platform.discord;

import dev.switchboard.platform.PlatformException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which attachment URLs the adapter fetches: those on Discord's CDN ({@code
 * cdn.discordapp.com}, and {@code media.discordapp.net} where Discord proxies media), on the
 * configured CDN base URL, or on the configured API base URL (where a self-hosted stand-in
 * serves both). Anything else is refused before a request goes out, so an attachment's URL can
 * never make the gateway fetch from an address of someone's choosing (SSRF). Hosts are compared
 * whole, with scheme and port: {@code cdn.discordapp.com.example} and {@code
 * user@cdn.discordapp.com} are not Discord.
 */
final class AttachmentLinks {
  static final URI DISCORD_CDN = URI.create("https://cdn.discordapp.com");
  private static final URI DISCORD_MEDIA_PROXY = URI.create("https://media.discordapp.net");

  private final Set<Origin> allowed;

  /** Where a URL points: what decides whom a request would reach. */
  private record Origin(String scheme, String host, int port) {
    static Origin of(URI u) {
      String scheme = u.getScheme().toLowerCase(Locale.ROOT);
      int port = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : 80;
      return new Origin(scheme, u.getHost().toLowerCase(Locale.ROOT), port);
    }
  }

  AttachmentLinks(URI apiBase, URI cdnBase) {
    // copyOf, not of: the configured CDN base is Discord's own CDN by default, a duplicate.
    this.allowed = Set.copyOf(List.of(
        Origin.of(DISCORD_CDN),
        Origin.of(DISCORD_MEDIA_PROXY),
        Origin.of(cdnBase),
        Origin.of(apiBase)));
  }

  /** The URL in {@code ref}, if the adapter may fetch it. */
  URI check(String ref) throws PlatformException {
    URI u;
    try {
      u = new URI(ref);
    } catch (URISyntaxException e) {
      throw refused();
    }
    if (u.getScheme() == null
        || !u.getScheme().toLowerCase(Locale.ROOT).matches("https?")
        || u.getRawUserInfo() != null
        || u.getHost() == null
        || !allowed.contains(Origin.of(u))) {
      throw refused();
    }
    return u;
  }

  private static PlatformException refused() {
    return new PlatformException("its link does not point to Discord's file servers", true);
  }
}
