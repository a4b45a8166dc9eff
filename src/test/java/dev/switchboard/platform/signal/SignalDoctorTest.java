package dev.switchboard.platform.signal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.platform.signal.fake.FakeSignalDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard doctor}'s look at Signal: the daemon answers, the account is in it. */
class SignalDoctorTest {
  private static final String BOT = SignalAdapterTest.BOT;

  @TempDir
  Path home;

  private List<Finding> diagnose(String url) throws Exception {
    return diagnose(Map.of("SIGNAL_ACCOUNT", BOT, "SIGNAL_URL", url));
  }

  private List<Finding> diagnose(Map<String, String> env) throws Exception {
    SignalAdapterFactory factory = new SignalAdapterFactory();
    Config c = new ConfigLoader(ConfigSchema.of(factory.configKeys())).load(home, env);
    return factory.diagnose(c, home);
  }

  /** A signal-cli stand-in that answers --version with {@code body}'s output and exit code. */
  private Path cli(String body) throws Exception {
    Path cli = home.resolve("signal-cli");
    Files.writeString(cli, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));
    return cli;
  }

  @Test
  void aSignalCliTheGatewayStartsIsCheckedByItsVersion() throws Exception {
    Path cli = cli("[ \"$1\" = --version ] && echo 'signal-cli 0.13.22' && exit 0\nexit 3");
    List<Finding> f = diagnose(Map.of("SIGNAL_ACCOUNT", BOT, "SIGNAL_CLI_PATH", cli.toString()));
    assertThat(f).extracting(Finding::level).containsExactly(Finding.Level.OK);
    assertThat(f.getFirst().message())
        .contains("signal-cli 0.13.22")
        .contains(cli.toString())
        .contains(BOT);
  }

  @Test
  void aSignalCliThatDoesNotRunFailsWithItsLastWords() throws Exception {
    Path cli = cli("echo 'Error: could not find java' >&2\nexit 1");
    Finding f = diagnose(Map.of("SIGNAL_ACCOUNT", BOT, "SIGNAL_CLI_PATH", cli.toString()))
        .getFirst();
    assertThat(f.level()).isEqualTo(Finding.Level.FAIL);
    assertThat(f.message()).contains("exited 1").contains("could not find java");
    assertThat(f.fix()).contains("platforms.signal.cli_path");
  }

  @Test
  void aDaemonWithTheAccountIsHealthy() throws Exception {
    try (FakeSignalDaemon d = FakeSignalDaemon.multiAccount("+4915199999999", BOT)) {
      List<Finding> f = diagnose(d.baseUrl());
      assertThat(f).extracting(Finding::level).containsExactly(Finding.Level.OK, Finding.Level.OK);
      assertThat(f.get(0).message()).contains("signal-cli").contains(d.baseUrl());
      assertThat(f.get(1).message()).contains(BOT).contains("registered");
      assertThat(d.calls("listAccounts")).hasSize(1);
    }
  }

  @Test
  void aDaemonWithoutTheAccountFailsNamingIt() throws Exception {
    try (FakeSignalDaemon d = FakeSignalDaemon.multiAccount("+4915199999999")) {
      Finding last = diagnose(d.baseUrl()).getLast();
      assertThat(last.level()).isEqualTo(Finding.Level.FAIL);
      assertThat(last.message()).contains(BOT);
      assertThat(last.fix()).contains("register or link");
    }
  }

  @Test
  void aSingleAccountDaemonCannotBeAskedAndSaysSo() throws Exception {
    try (FakeSignalDaemon d = FakeSignalDaemon.singleAccount(BOT)) {
      Finding last = diagnose(d.baseUrl()).getLast();
      assertThat(last.level()).isEqualTo(Finding.Level.WARN);
      assertThat(last.fix()).contains("-a " + BOT);
    }
  }

  @Test
  void noDaemonFailsWithHowToStartOne() throws Exception {
    List<Finding> f = diagnose("http://127.0.0.1:1");
    assertThat(f).singleElement().satisfies(one -> {
      assertThat(one.level()).isEqualTo(Finding.Level.FAIL);
      assertThat(one.message()).contains("not answering");
      assertThat(one.fix()).contains("daemon --http 127.0.0.1:1");
    });
  }
}
