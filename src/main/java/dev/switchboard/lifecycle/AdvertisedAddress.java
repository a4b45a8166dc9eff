package dev.switchboard.lifecycle;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * Where the other gateways on a shared database reach this one's HTTP server, written to the
 * database so that a standby can forward to the active gateway: {@code http.advertise_url} when
 * set, else the address the server listens on, with this host's name in place of a wildcard
 * address (0.0.0.0 or ::), which another machine cannot connect to.
 *
 * @param configured {@code http.advertise_url}; null when not set
 * @param hostName this host's name, for a server listening on every interface
 */
record AdvertisedAddress(@Nullable URI configured, String hostName) {
  URI of(InetSocketAddress bound) {
    if (configured != null) {
      return configured;
    }
    InetAddress ip = bound.getAddress();
    String host = ip != null && ip.isAnyLocalAddress() ? hostName : bound.getHostString();
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]"; // an IPv6 literal
    }
    return URI.create("http://" + host + ":" + bound.getPort());
  }
}
