package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.config.CoreKeys;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private static InetAddress ip(String literal) {
    return InetAddress.ofLiteral(literal);
  }

  @Test
  void addressesAndRangesOfBothFamiliesAreTrustedAndNothingElse() {
    TrustedProxies p =
        TrustedProxies.parse(List.of("127.0.0.1", " 10.0.0.0/8", "192.168.1.128/25", "fd00::/8"));
    assertThat(p.trusts(ip("127.0.0.1"))).isTrue();
    assertThat(p.trusts(ip("127.0.0.2"))).isFalse();
    assertThat(p.trusts(ip("10.255.1.2"))).isTrue();
    assertThat(p.trusts(ip("11.0.0.1"))).isFalse();
    assertThat(p.trusts(ip("192.168.1.200"))).isTrue();
    assertThat(p.trusts(ip("192.168.1.127"))).isFalse();
    assertThat(p.trusts(ip("fd12::1"))).isTrue();
    assertThat(p.trusts(ip("fe80::1"))).isFalse();
    assertThat(p.trusts(ip("::1"))).isFalse();
    assertThat(p.trusts(new InetSocketAddress(ip("10.1.1.1"), 443))).isTrue();
    assertThat(p.trusts((InetAddress) null)).isFalse();
    assertThat(TrustedProxies.parse(List.of("0.0.0.0/0")).trusts(ip("8.8.8.8"))).isTrue();
    assertThat(TrustedProxies.none().isEmpty()).isTrue();
    assertThat(TrustedProxies.none().trusts(ip("127.0.0.1"))).isFalse();
  }

  @Test
  void aBadEntryIsAConfigurationErrorNamingTheKeyAndTheEntry() {
    for (String bad : List.of(
        "proxy.example.org", "10", "10.1", "300.1.1.1", "10.0.0.0/33", "::/129", "10.0.0.0/", "")) {
      Config config = Config.defaults(ConfigSchema.of(List.of(CoreKeys.HTTP_TRUSTED_PROXIES)))
          .with(Map.of(CoreKeys.HTTP_TRUSTED_PROXIES, List.of("127.0.0.1", bad)));
      ConfigException e =
          catchThrowableOfType(ConfigException.class, () -> TrustedProxies.from(config));
      assertThat(e).as(bad).isNotNull();
      assertThat(e.key()).isEqualTo("http.trusted_proxies");
      assertThat(e.getMessage()).contains("'" + bad + "'");
    }
  }
}
