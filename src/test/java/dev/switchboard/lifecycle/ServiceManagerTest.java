package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.CoreKeys.ServiceManagerSetting;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceManagerTest {
  private static final Optional<String> NO_PARENT = Optional.empty();

  private static ServiceManager auto(Map<String, String> env, Optional<String> parent) {
    return ServiceManager.detect(ServiceManagerSetting.AUTO, env, parent);
  }

  private static ServiceManager auto(Map<String, String> env) {
    return auto(env, NO_PARENT);
  }

  /** Every trace at once: systemd's, Kubernetes', launchd's and an s6 parent. */
  private static final Map<String, String> EVERYTHING = Map.of(
      "INVOCATION_ID", "0123456789abcdef",
      "NOTIFY_SOCKET", "/run/systemd/notify",
      "KUBERNETES_SERVICE_HOST", "10.0.0.1",
      "XPC_SERVICE_NAME", "dev.switchboard.gateway");

  @ParameterizedTest
  @EnumSource(value = ServiceManagerSetting.class, names = "AUTO", mode = EnumSource.Mode.EXCLUDE)
  void anExplicitSettingWinsOverEveryTrace(ServiceManagerSetting setting) {
    assertThat(ServiceManager.detect(setting, EVERYTHING, Optional.of("/usr/bin/runsv")))
        .isEqualTo(ServiceManager.valueOf(setting.name()));
    assertThat(ServiceManager.detect(setting, Map.of(), NO_PARENT))
        .isEqualTo(ServiceManager.valueOf(setting.name()));
  }

  @Test
  void everySettingExceptAutoHasAManager() {
    for (ServiceManagerSetting s : ServiceManagerSetting.values()) {
      if (s != ServiceManagerSetting.AUTO) {
        assertThat(ServiceManager.valueOf(s.name()).label()).isEqualTo(s.name().toLowerCase());
      }
    }
  }

  static Stream<Arguments> autoDetection() {
    return Stream.of(
        // systemd
        Arguments.of(Map.of("INVOCATION_ID", "abc"), NO_PARENT, ServiceManager.SYSTEMD),
        Arguments.of(
            Map.of("NOTIFY_SOCKET", "/run/systemd/notify"), NO_PARENT, ServiceManager.SYSTEMD),
        Arguments.of(Map.of("NOTIFY_SOCKET", "@abstract"), NO_PARENT, ServiceManager.SYSTEMD),
        // systemd is looked at first
        Arguments.of(EVERYTHING, Optional.of("/usr/bin/s6-supervise"), ServiceManager.SYSTEMD),
        // Kubernetes
        Arguments.of(
            Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"), NO_PARENT, ServiceManager.KUBERNETES),
        Arguments.of(
            Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "XPC_SERVICE_NAME", "label"),
            Optional.of("runsv"),
            ServiceManager.KUBERNETES),
        // launchd: a job's label, but not the "0" of an interactive terminal
        Arguments.of(
            Map.of("XPC_SERVICE_NAME", "dev.switchboard.gateway"),
            NO_PARENT,
            ServiceManager.LAUNCHD),
        Arguments.of(Map.of("XPC_SERVICE_NAME", "0"), NO_PARENT, ServiceManager.NONE),
        Arguments.of(
            Map.of("XPC_SERVICE_NAME", "0"),
            Optional.of("/usr/bin/s6-supervise"),
            ServiceManager.S6),
        Arguments.of(
            Map.of("XPC_SERVICE_NAME", "label"), Optional.of("runsv"), ServiceManager.LAUNCHD),
        // parents
        Arguments.of(Map.of(), Optional.of("/usr/bin/s6-supervise"), ServiceManager.S6),
        Arguments.of(Map.of(), Optional.of("s6-supervise"), ServiceManager.S6),
        Arguments.of(Map.of(), Optional.of("/command/s6-supervise"), ServiceManager.S6),
        Arguments.of(Map.of(), Optional.of("runsv"), ServiceManager.RUNIT),
        Arguments.of(Map.of(), Optional.of("/usr/bin/runsv"), ServiceManager.RUNIT),
        Arguments.of(Map.of(), Optional.of("/usr/bin/runsvdir"), ServiceManager.NONE),
        Arguments.of(Map.of(), Optional.of("/usr/bin/s6-svscan"), ServiceManager.NONE),
        Arguments.of(Map.of(), Optional.of("/bin/bash"), ServiceManager.NONE),
        Arguments.of(Map.of(), Optional.of(""), ServiceManager.NONE),
        Arguments.of(Map.of(), Optional.of("/usr/bin/"), ServiceManager.NONE),
        // nothing at all
        Arguments.of(Map.of(), NO_PARENT, ServiceManager.NONE),
        Arguments.of(Map.of("PATH", "/usr/bin", "HOME", "/root"), NO_PARENT, ServiceManager.NONE));
  }

  @ParameterizedTest(name = "[{index}] {0} parent={1} -> {2}")
  @MethodSource("autoDetection")
  void autoDetects(Map<String, String> env, Optional<String> parent, ServiceManager expected) {
    assertThat(auto(env, parent)).isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("blankValues")
  void blankValuesAreIgnored(String blank) {
    assertThat(auto(Map.of("INVOCATION_ID", blank))).isEqualTo(ServiceManager.NONE);
    assertThat(auto(Map.of("NOTIFY_SOCKET", blank))).isEqualTo(ServiceManager.NONE);
    assertThat(auto(Map.of("KUBERNETES_SERVICE_HOST", blank))).isEqualTo(ServiceManager.NONE);
    assertThat(auto(Map.of("XPC_SERVICE_NAME", blank))).isEqualTo(ServiceManager.NONE);

    Map<String, String> allBlank = new HashMap<>();
    for (String k : EVERYTHING.keySet()) {
      allBlank.put(k, blank);
    }
    assertThat(auto(allBlank)).isEqualTo(ServiceManager.NONE);
    assertThat(auto(allBlank, Optional.of("/usr/bin/runsv"))).isEqualTo(ServiceManager.RUNIT);
    // a blank systemd trace does not hide the next one
    assertThat(auto(Map.of("INVOCATION_ID", blank, "KUBERNETES_SERVICE_HOST", "10.0.0.1")))
        .isEqualTo(ServiceManager.KUBERNETES);
  }

  static Stream<String> blankValues() {
    return Stream.of("", " ", "\t", "\n ");
  }

  @Test
  void labelsAreLowerCase() {
    assertThat(ServiceManager.SYSTEMD.label()).isEqualTo("systemd");
    assertThat(ServiceManager.S6.label()).isEqualTo("s6");
    assertThat(ServiceManager.RUNIT.label()).isEqualTo("runit");
    assertThat(ServiceManager.LAUNCHD.label()).isEqualTo("launchd");
    assertThat(ServiceManager.KUBERNETES.label()).isEqualTo("kubernetes");
    assertThat(ServiceManager.NONE.label()).isEqualTo("none");
  }
}
