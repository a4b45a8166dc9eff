package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  @Test
  void nothingConfiguredDeniesEveryone() {
    AccessPolicy p = AccessPolicy.denyAll();
    assertThat(p.allowed("telegram", "1")).isFalse();
    assertThat(p.admin("telegram", "1")).isFalse();
    assertThat(p.nobodyConfigured()).isTrue();
  }

  @Test
  void gatewayWideEntriesAreBareOrPlatformQualified() {
    AccessPolicy p = AccessPolicy.of(
        false,
        List.of("42", "telegram:7", " slack:U1 "),
        List.of("telegram:99"),
        Map.of(),
        Map.of());
    assertThat(p.allowed("telegram", "42")).isTrue();
    assertThat(p.allowed("discord", "42")).isTrue();
    assertThat(p.allowed("telegram", "7")).isTrue();
    assertThat(p.allowed("discord", "7")).isFalse();
    assertThat(p.allowed("slack", "U1")).isTrue();
    assertThat(p.allowed("telegram", "99")).as("admins are allowed").isTrue();
    assertThat(p.admin("telegram", "99")).isTrue();
    assertThat(p.admin("discord", "99")).isFalse();
    assertThat(p.nobodyConfigured()).isFalse();
  }

  @Test
  void platformListsApplyToTheirPlatformOnly() {
    AccessPolicy p = AccessPolicy.of(
        false,
        List.of(),
        List.of(),
        Map.of("telegram", List.of("5")),
        Map.of("telegram", List.of("6")));
    assertThat(p.allowed("telegram", "5")).isTrue();
    assertThat(p.allowed("slack", "5")).isFalse();
    assertThat(p.admin("telegram", "6")).isTrue();
    assertThat(p.allowed("telegram", "6")).isTrue();
  }

  @Test
  void allowAllLetsEveryoneTalkButMakesNoAdmins() {
    AccessPolicy p = AccessPolicy.of(true, List.of(), List.of(), Map.of(), Map.of());
    assertThat(p.allowed("telegram", "anyone")).isTrue();
    assertThat(p.admin("telegram", "anyone")).isFalse();
  }
}
