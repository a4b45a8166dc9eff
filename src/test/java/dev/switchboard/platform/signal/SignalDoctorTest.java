package dev.switchboard.platform.signal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.platform.signal.fake.FakeSignalDaemon;
import java.nio.file.Path;
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
    Config c = new ConfigLoader(ConfigSchema.of(SignalSettings.keys()))
        .load(home, Map.of("SIGNAL_ACCOUNT", BOT, "SIGNAL_URL", url));
    return new SignalAdapterFactory().diagnose(c, home);
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
