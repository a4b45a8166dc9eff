package dev.switchboard.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Whether a host leads to this machine or a private network: what the gateway must not fetch
 * from on someone else's word (an image address in a reply, or in an API request), since that
 * would let them read what only the gateway's own network can reach.
 */
public final class PrivateAddresses {
  private PrivateAddresses() {}

  /** The first of the host's addresses that is private, or empty when all are public. */
  public static Optional<InetAddress> firstPrivate(String host) throws UnknownHostException {
    for (InetAddress a : InetAddress.getAllByName(host)) {
      if (isPrivate(a)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Loopback, unspecified, link-local, site-local (RFC 1918), multicast or unique-local. */
  public static boolean isPrivate(InetAddress a) {
    return a.isLoopbackAddress()
        || a.isAnyLocalAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()
        || isUniqueLocal(a);
  }

  /** IPv6 fc00::/7, which {@link InetAddress#isSiteLocalAddress} does not count. */
  private static boolean isUniqueLocal(InetAddress a) {
    byte[] b = a.getAddress();
    return b.length == 16 && (b[0] & 0xfe) == 0xfc;
  }
}
