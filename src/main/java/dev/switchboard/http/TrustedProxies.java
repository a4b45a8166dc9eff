package dev.switchboard.http;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.CoreKeys;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The reverse proxies in front of a listener ({@code http.trusted_proxies}): IP addresses and
 * CIDR ranges, written as literals (a name is refused: what it resolves to can change). Only a
 * connection from one of them may say, in {@code X-Forwarded-*} or {@code Forwarded}, that the
 * browser's request came over HTTPS, to which host, or from which client; anyone else could
 * claim it too.
 */
public final class TrustedProxies {
  private static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

  /** One range: the address's bytes and how many leading bits of them must match. */
  @SuppressWarnings("ArrayRecordComponent") // never compared as a whole: contains() reads it
  private record Range(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = prefix / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[whole] & mask) == (network[whole] & mask);
    }
  }

  private final List<Range> ranges;
  private final List<String> entries;

  private TrustedProxies(List<Range> ranges, List<String> entries) {
    this.ranges = List.copyOf(ranges);
    this.entries = List.copyOf(entries);
  }

  public static TrustedProxies none() {
    return NONE;
  }

  /** The setting's value; a bad entry is a configuration error naming it. */
  public static TrustedProxies from(Config config) {
    try {
      return parse(config.get(CoreKeys.HTTP_TRUSTED_PROXIES));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          CoreKeys.HTTP_TRUSTED_PROXIES.path(), Objects.toString(e.getMessage()));
    }
  }

  /**
   * Entries such as {@code 127.0.0.1}, {@code ::1}, {@code 10.0.0.0/8}, {@code fd00::/8}.
   *
   * @throws IllegalArgumentException naming the first entry that is not one
   */
  public static TrustedProxies parse(List<String> entries) {
    List<Range> ranges = new ArrayList<>();
    for (String entry : entries) {
      ranges.add(range(entry.strip()));
    }
    return ranges.isEmpty() ? NONE : new TrustedProxies(ranges, entries);
  }

  private static Range range(String entry) {
    int slash = entry.indexOf('/');
    String literal = slash < 0 ? entry : entry.substring(0, slash);
    byte[] address;
    try {
      // The JDK also reads "10" or "10.1" as IPv4 addresses; a proxy is written in full.
      if (!literal.contains(":") && !literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        throw new IllegalArgumentException(literal);
      }
      address = InetAddress.ofLiteral(literal).getAddress();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + entry + "' is not an IP address or a CIDR range; write each proxy as an IPv4 or"
              + " IPv6 address (127.0.0.1, ::1) or a range (10.0.0.0/8, fd00::/8), not a name");
    }
    int bits = address.length * 8;
    if (slash < 0) {
      return new Range(address, bits);
    }
    String prefix = entry.substring(slash + 1);
    if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits) {
      throw new IllegalArgumentException(
          "'" + entry + "' has a bad prefix length: after the / comes 0 to " + bits + " for an "
              + (bits == 32 ? "IPv4" : "IPv6") + " address");
    }
    return new Range(address, Integer.parseInt(prefix));
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  public boolean trusts(@Nullable InetAddress address) {
    if (address == null) {
      return false;
    }
    byte[] bytes = address.getAddress();
    for (Range r : ranges) {
      if (r.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  public boolean trusts(@Nullable SocketAddress address) {
    return address instanceof InetSocketAddress inet && trusts(inet.getAddress());
  }

  @Override
  public String toString() {
    return "TrustedProxies" + entries;
  }
}
