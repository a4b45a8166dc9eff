package dev.switchboard.platform.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignalCliSettingsTest {
  private static final String ACCOUNT = "+15551234567";

  @TempDir
  Path dir;

  private Path cli;

  @BeforeEach
  void writeExecutable() throws Exception {
    cli = dir.resolve("signal-cli");
    Files.writeString(cli, "#!/bin/sh\n");
    Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));
  }

  private static Config config(Map<ConfigKey<?>, Object> values) {
    List<ConfigKey<?>> keys = new ArrayList<>(SignalCliSettings.keys());
    keys.add(SignalSettings.ACCOUNT);
    return Config.defaults(ConfigSchema.of(keys)).with(values);
  }

  private Map<ConfigKey<?>, Object> withCli() {
    Map<ConfigKey<?>, Object> values = new HashMap<>();
    values.put(SignalCliSettings.CLI_PATH, cli.toString());
    values.put(SignalSettings.ACCOUNT, ACCOUNT);
    return values;
  }

  private static ConfigException fails(Map<ConfigKey<?>, Object> values) {
    return catchThrowableOfType(
        ConfigException.class, () -> SignalCliSettings.from(config(values)));
  }

  @Test
  void withoutACliPathNoChildIsStarted() {
    SignalCliSettings s = SignalCliSettings.from(config(Map.of()));
    assertThat(s.startsChild()).isFalse();
    assertThat(s.listenPort()).isZero();
  }

  @Test
  void theCommandRunsTheDaemonOverHttpForTheAccount() throws Exception {
    Path data = Files.createDirectory(dir.resolve("data"));
    Map<ConfigKey<?>, Object> values = withCli();
    values.put(SignalCliSettings.CONFIG_DIR, data.toString());
    values.put(SignalCliSettings.CLI_LISTEN, "127.0.0.1:18080");
    SignalCliSettings s = SignalCliSettings.from(config(values));

    assertThat(s.startsChild()).isTrue();
    assertThat(s.listenHost()).isEqualTo("127.0.0.1");
    assertThat(s.listenPort()).isEqualTo(18080);
    assertThat(s.command("127.0.0.1:18080"))
        .containsExactly(
            cli.toAbsolutePath().toString(),
            "--config",
            data.toString(),
            "--scrub-log",
            "-a",
            ACCOUNT,
            "daemon",
            "--http",
            "127.0.0.1:18080",
            "--receive-mode",
            "on-connection",
            "--no-receive-stdout");
  }

  @Test
  void loopbackAddressesAreAccepted() {
    for (String listen : List.of("localhost:8080", "[::1]:8080", "::1:8080", "127.0.0.2:1")) {
      Map<ConfigKey<?>, Object> values = withCli();
      values.put(SignalCliSettings.CLI_LISTEN, listen);
      assertThat(SignalCliSettings.from(config(values)).listenPort()).as(listen).isPositive();
    }
  }

  @Test
  void aBadListenAddressIsNamed() {
    for (String listen :
        List.of("127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", ":8080", "127.0.0.1:http")) {
      Map<ConfigKey<?>, Object> values = withCli();
      values.put(SignalCliSettings.CLI_LISTEN, listen);
      ConfigException e = fails(values);
      assertThat(e.key()).as(listen).isEqualTo("platforms.signal.cli_listen");
      assertThat(e.getMessage()).contains("expected host:port").contains(listen);
    }
  }

  @Test
  void anAddressBeyondLoopbackIsRefusedForWantOfAuthentication() {
    for (String listen : List.of("0.0.0.0:8080", "192.168.1.5:8080", "signal.example.org:80")) {
      Map<ConfigKey<?>, Object> values = withCli();
      values.put(SignalCliSettings.CLI_LISTEN, listen);
      ConfigException e = fails(values);
      assertThat(e.key()).isEqualTo("platforms.signal.cli_listen");
      assertThat(e.getMessage()).contains("not a loopback address").contains("no authentication");
    }
  }

  @Test
  void aCliPathThatIsNotAnExecutableIsNamed() throws Exception {
    Map<ConfigKey<?>, Object> values = withCli();
    values.put(SignalCliSettings.CLI_PATH, dir.resolve("missing").toString());
    assertThat(fails(values).getMessage())
        .contains("platforms.signal.cli_path")
        .contains("is not a file");

    Path plain = Files.writeString(dir.resolve("plain"), "#!/bin/sh\n");
    values.put(SignalCliSettings.CLI_PATH, plain.toString());
    ConfigException e = fails(values);
    assertThat(e.key()).isEqualTo("platforms.signal.cli_path");
    assertThat(e.getMessage()).contains("is not executable");

    values.put(SignalCliSettings.CLI_PATH, "no-such-signal-cli-here");
    assertThat(fails(values).getMessage())
        .contains("no executable 'no-such-signal-cli-here' on PATH");
  }

  @Test
  void aBareNameIsFoundOnThePath() {
    Map<ConfigKey<?>, Object> values = withCli();
    values.put(SignalCliSettings.CLI_PATH, "sh");
    Path found = SignalCliSettings.from(config(values)).cliPath();
    assertThat(found).isNotNull();
    assertThat(found.isAbsolute()).isTrue();
    assertThat(found.getFileName()).hasToString("sh");
  }

  @Test
  void theAccountIsRequiredWithACliPathAndMustBeE164() {
    Map<ConfigKey<?>, Object> values = withCli();
    values.remove(SignalSettings.ACCOUNT);
    ConfigException missing = fails(values);
    assertThat(missing.key()).isEqualTo("platforms.signal.account");
    assertThat(missing.getMessage()).contains("required when platforms.signal.cli_path is set");

    for (String bad : List.of("15551234567", "+1 555 123 4567", "+0123456789", "+1234")) {
      values.put(SignalSettings.ACCOUNT, bad);
      ConfigException e = fails(values);
      assertThat(e.key()).as(bad).isEqualTo("platforms.signal.account");
      assertThat(e.getMessage()).contains("E.164");
    }
  }

  @Test
  void aConfigDirThatIsNotADirectoryIsNamed() {
    Map<ConfigKey<?>, Object> values = withCli();
    values.put(SignalCliSettings.CONFIG_DIR, dir.resolve("nope").toString());
    ConfigException e = fails(values);
    assertThat(e.key()).isEqualTo("platforms.signal.config_dir");
    assertThat(e.getMessage()).contains("is not a directory");
  }
}
