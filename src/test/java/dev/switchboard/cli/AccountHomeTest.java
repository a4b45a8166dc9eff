package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AccountHomeTest {
  @Test
  void theHomeIsTheSixthFieldOfThePasswdLine() {
    assertThat(AccountHome.homeField("ada:x:1000:1000:Ada L,,,:/home/ada:/bin/bash"))
        .contains(Path.of("/home/ada"));
    assertThat(AccountHome.homeField("svc:x:998:998::/var/lib/svc:/usr/sbin/nologin"))
        .contains(Path.of("/var/lib/svc"));
    assertThat(AccountHome.homeField("odd:x:1:1::relative:/bin/sh")).isEmpty();
    assertThat(AccountHome.homeField("")).isEmpty();
  }

  @Test
  void accountsAreLookedUpInThePasswdDatabase() throws Exception {
    assertThat(AccountHome.of("root")).contains(Path.of("/root"));
    assertThat(AccountHome.of("no-such-account-" + ProcessHandle.current().pid()))
        .isEmpty();
  }
}
