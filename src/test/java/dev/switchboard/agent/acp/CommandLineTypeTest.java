package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command line the type refuses is refused with an error that states the rule broken. */
class CommandLineTypeTest {
  private static final ConfigSchema SCHEMA = ConfigSchema.of(new AcpBackendFactory().configKeys());

  @TempDir
  Path home;

  private ConfigException refused(String line) {
    ConfigLoader loader = new ConfigLoader(SCHEMA);
    Map<String, String> env = Map.of("SWITCHBOARD_ACP_COMMAND", line);
    return catchThrowableOfType(ConfigException.class, () -> loader.load(home, env));
  }

  @Test
  void eachRefusalStatesTheRuleItBroke() {
    assertThat(refused("node 'oops").getMessage()).contains("quotes must be closed");
    assertThat(refused("node \"oops").getMessage()).contains("quotes must be closed");
    assertThat(refused("node oops\\").getMessage()).contains("a backslash must not be last");
    assertThat(refused("   ").getMessage()).contains("the first not blank");
  }

  @Test
  void whatTheRulesAllowIsAccepted() {
    assertThat(CommandLineType.INSTANCE.parse("node 'a b' \"c \\\" d\" e\\ f"))
        .containsExactly("node", "a b", "c \" d", "e f");
    assertThatThrownBy(() -> CommandLineType.INSTANCE.parse(List.of(" ", "x")))
        .hasMessageContaining("empty");
  }
}
