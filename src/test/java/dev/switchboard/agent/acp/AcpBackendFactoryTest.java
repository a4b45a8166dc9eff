package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.Sender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcpBackendFactoryTest {
  private static final AcpBackendFactory FACTORY = new AcpBackendFactory();
  private static final ConfigSchema SCHEMA = ConfigSchema.of(FACTORY.configKeys());

  @TempDir
  Path home;

  private Config load(String yaml, Map<String, String> env) throws Exception {
    if (yaml != null) {
      Files.writeString(home.resolve("switchboard.yaml"), yaml);
    }
    return new ConfigLoader(SCHEMA).load(home, env);
  }

  @Test
  void keysAreTheBackendsOwn() {
    assertThat(FACTORY.name()).isEqualTo("acp");
    assertThat(FACTORY.configKeys()).allSatisfy(k -> assertThat(k.path()).startsWith("agent.acp."));
  }

  @Test
  void aMissingCommandIsAConfigurationErrorNamingTheKey() throws Exception {
    assertThatThrownBy(() -> FACTORY.create(load(null, Map.of())))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.key()).isEqualTo("agent.acp.command"))
        .hasMessageContaining("SWITCHBOARD_ACP_COMMAND");
  }

  @Test
  void aProgramThatIsNotThereIsAConfigurationError() throws Exception {
    assertThatThrownBy(() -> FACTORY.create(
            load(null, Map.of("SWITCHBOARD_ACP_COMMAND", "no-such-acp-agent-xyz --flag"))))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.key()).isEqualTo("agent.acp.command"))
        .hasMessageContaining("'no-such-acp-agent-xyz' not found on PATH");
    assertThatThrownBy(() ->
            FACTORY.create(load(null, Map.of("SWITCHBOARD_ACP_COMMAND", "/nonexistent/agent"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not found or not executable");
  }

  @Test
  void theCommandLineIsSplitLikeAShellDoesForSimpleQuoting() throws Exception {
    Config c = load(
        null,
        Map.of(
            "SWITCHBOARD_ACP_COMMAND",
            "npx -y '@zed-industries/claude-code-acp' --name \"my agent\" a\\ b"));
    assertThat(c.get(AcpBackendFactory.COMMAND))
        .containsExactly(
            "npx", "-y", "@zed-industries/claude-code-acp", "--name", "my agent", "a b");
    assertThat(CommandLineType.split("  gemini   --experimental-acp "))
        .containsExactly("gemini", "--experimental-acp");
    assertThat(CommandLineType.split("x \"a \\\"q\\\" b\" ''"))
        .containsExactly("x", "a \"q\" b", "");
  }

  @Test
  void aYamlListIsTakenWordForWord() throws Exception {
    Config c = load("agent:\n  acp:\n    command: [gemini, --experimental-acp, 'a b']\n", Map.of());
    assertThat(c.get(AcpBackendFactory.COMMAND))
        .containsExactly("gemini", "--experimental-acp", "a b");
  }

  @Test
  void badCommandLinesAreConfigurationErrors() {
    assertThatThrownBy(() -> load(null, Map.of("SWITCHBOARD_ACP_COMMAND", "node 'oops")))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.key()).isEqualTo("SWITCHBOARD_ACP_COMMAND"))
        .hasMessageContaining("unclosed");
    assertThatThrownBy(() -> load("agent:\n  acp:\n    command: \"node 'oops\"\n", Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.key()).isEqualTo("agent.acp.command"));
    assertThatThrownBy(() -> CommandLineType.split("a \"b")).hasMessageContaining("unclosed");
    assertThatThrownBy(() -> CommandLineType.split("a \\")).hasMessageContaining("backslash");
    assertThatThrownBy(() -> CommandLineType.INSTANCE.parse(List.of()))
        .hasMessageContaining("empty");
  }

  @Test
  void createsTheBackendWithItsSettings() throws Exception {
    Path sh = Path.of("/bin/sh");
    Config c = load(
        null,
        Map.of(
            "SWITCHBOARD_ACP_COMMAND",
            sh + " -c true",
            "SWITCHBOARD_ACP_CWD_ROOT",
            home.resolve("cwds").toString(),
            "SWITCHBOARD_ACP_MAX_PROCESSES",
            "3"));
    try (AgentBackend b = FACTORY.create(c)) {
      assertThat(b.describe()).isEqualTo("acp (sh)");
    }
  }

  @Test
  void theDefaultCwdRootIsInTheStateDirectory() {
    assertThat(AcpBackendFactory.defaultCwdRoot(Map.of("SWITCHBOARD_HOME", "/srv/sb")))
        .isEqualTo(Path.of("/srv/sb/acp-sessions"));
    assertThat(AcpBackendFactory.defaultCwdRoot(Map.of()))
        .isEqualTo(Path.of(System.getProperty("user.home"), ".switchboard", "acp-sessions"));
  }

  @Test
  void aCommandThatCannotBeRunFailsTheTurnClearly() {
    AcpBackend b = new AcpBackend(new AcpBackend.Settings(
        List.of("/nonexistent/acp-agent"), home, 2, Duration.ofSeconds(5), Set.of()));
    TurnRequest req = new TurnRequest("c1", ChatRef.of("test", "1"), new Sender("u", "U"), "hi");
    assertThatThrownBy(() -> b.run(req, d -> {}, new TurnControl()))
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> assertThat(e.userMessage())
                .contains("program 'acp-agent' cannot be run")
                .contains("agent.acp.command"));
    b.close();
  }

  @Test
  void anAgentThatExitsAtStartFailsTheTurnWithItsExitCode() {
    AcpBackend b = new AcpBackend(new AcpBackend.Settings(
        List.of("/bin/sh", "-c", "exit 7"), home, 2, Duration.ofSeconds(5), Set.of()));
    TurnRequest req = new TurnRequest("c1", ChatRef.of("test", "1"), new Sender("u", "U"), "hi");
    assertThatThrownBy(() -> b.run(req, d -> {}, new TurnControl()))
        .isInstanceOfSatisfying(
            AgentException.class, e -> assertThat(e.userMessage()).contains("exited with code 7"));
    b.close();
  }

  @Test
  void safeNamesAreDistinctAndHarmless() {
    String a = AcpBackend.safeName("telegram:42/7#3");
    String b = AcpBackend.safeName("telegram:42_7#3");
    assertThat(a).matches("[A-Za-z0-9._-]+").doesNotStartWith(".").isNotEqualTo(b);
    assertThat(AcpBackend.safeName("../..")).doesNotStartWith(".").doesNotContain("/");
  }
}
