package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.Sender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AcpBackendFactoryTest {
  private static final AcpBackendFactory FACTORY = new AcpBackendFactory();
  private static final ConfigSchema SCHEMA = ConfigSchema.of(FACTORY.configKeys());

  @TempDir
  Path home;

  /** The user's home directory, outside the state directory as ~/.switchboard is. */
  @TempDir
  Path ada;

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
  void theDefaultCwdRootIsOutsideTheStateDirectoryAndOnePerStateDirectory() {
    Path sb = Path.of("/home/ada/.switchboard");
    String name = AcpBackend.safeName(sb.toString());
    assertThat(AcpBackendFactory.defaultCwdRoot(sb, Map.of("HOME", "/home/ada")))
        .isEqualTo(Path.of("/home/ada/.local/state/switchboard-agents", name))
        .satisfies(p -> assertThat(p.startsWith(sb)).isFalse());
    // Not XDG_STATE_HOME, which the gateway of a systemd unit would not have.
    assertThat(AcpBackendFactory.defaultCwdRoot(
            sb, Map.of("HOME", "/home/ada", "XDG_STATE_HOME", "/var/state/ada")))
        .isEqualTo(Path.of("/home/ada/.local/state/switchboard-agents", name));
    assertThat(AcpBackendFactory.defaultCwdRoot(Path.of("/srv/a"), Map.of("HOME", "/home/ada")))
        .isNotEqualTo(
            AcpBackendFactory.defaultCwdRoot(Path.of("/srv/b"), Map.of("HOME", "/home/ada")));
  }

  @Test
  void aConfiguredCwdRootIsTakenAsGivenWithTildeForHome() throws Exception {
    Config c = load(null, Map.of("SWITCHBOARD_ACP_CWD_ROOT", "~/agents/../work"));
    assertThat(AcpBackendFactory.cwdRoot(c, home, Map.of("HOME", "/home/ada")))
        .isEqualTo(Path.of("/home/ada/work"));
  }

  @Test
  void theAgentsEnvironmentIsAnAllowlistPlusTheNamesTheConfigurationGives() {
    Map<String, String> gateway = Map.of(
        "PATH", "/usr/bin:/bin",
        "HOME", "/home/ada",
        "LANG", "en_GB.UTF-8",
        "LC_TIME", "C",
        "GITHUB_TOKEN", "ghp_foreign",
        "TELEGRAM_BOT_TOKEN", "4242:AAH-token",
        "AWS_SECRET_ACCESS_KEY", "aws-secret",
        "ANTHROPIC_API_KEY", "sk-ant-agents-own",
        "SWITCHBOARD_HOME", "/srv/sb",
        "INVOCATION_ID", "abc");
    assertThat(AgentEnvironment.of(gateway, List.of("ANTHROPIC_API_KEY", "NOT_SET_ANYWHERE")))
        .containsOnlyKeys("PATH", "HOME", "LANG", "LC_TIME", "ANTHROPIC_API_KEY")
        .containsEntry("ANTHROPIC_API_KEY", "sk-ant-agents-own");
  }

  @Test
  void theSettingsShowTheAgentsVariablesByNameOnly() {
    AcpBackend.Settings settings = new AcpBackend.Settings(
        List.of("agent"),
        home,
        2,
        Duration.ofSeconds(5),
        Map.of("ANTHROPIC_API_KEY", "sk-ant-agents-own", "PATH", "/usr/bin"),
        null);
    assertThat(settings.toString())
        .contains("environment=[ANTHROPIC_API_KEY, PATH]")
        .doesNotContain("sk-ant-agents-own");
  }

  @Test
  void switchboardsOwnSecretsAndBadNamesCannotBePassedToTheAgent() throws Exception {
    List<ConfigKey<?>> keys = new ArrayList<>(FACTORY.configKeys());
    keys.add(ConfigKey.secret("platforms.telegram.bot_token", "TELEGRAM_BOT_TOKEN", false, "t"));
    ConfigSchema schema = ConfigSchema.of(keys);
    Map<String, String> env = Map.of(
        "SWITCHBOARD_ACP_COMMAND", "/bin/sh",
        "SWITCHBOARD_ACP_SANDBOX", "off",
        "SWITCHBOARD_ACP_ENV", "ANTHROPIC_API_KEY,TELEGRAM_BOT_TOKEN");
    Config secret = new ConfigLoader(schema).load(home, env);
    assertThatThrownBy(() -> FACTORY.create(secret, home, Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.key()).isEqualTo("agent.acp.env"))
        .hasMessageContaining("TELEGRAM_BOT_TOKEN holds a secret setting of Switchboard's own");

    // A named secret's variable too: the webhook route's secret, by its route's name.
    keys.add(
        ConfigKey.secret("webhooks.routes.*.secret", "SWITCHBOARD_WEBHOOKS_*_SECRET", false, "w"));
    Config named = new ConfigLoader(ConfigSchema.of(keys))
        .load(
            home,
            Map.of(
                "SWITCHBOARD_ACP_COMMAND", "/bin/sh",
                "SWITCHBOARD_ACP_SANDBOX", "off",
                "SWITCHBOARD_ACP_ENV", "SWITCHBOARD_WEBHOOKS_GITHUB_SECRET"));
    assertThatThrownBy(() -> FACTORY.create(named, home, Map.of()))
        .hasMessageContaining(
            "SWITCHBOARD_WEBHOOKS_GITHUB_SECRET holds a secret setting of Switchboard's own");
    Config badName = load(
        null,
        Map.of(
            "SWITCHBOARD_ACP_COMMAND", "/bin/sh",
            "SWITCHBOARD_ACP_SANDBOX", "off",
            "SWITCHBOARD_ACP_ENV", "MY-KEY"));
    assertThatThrownBy(() -> FACTORY.create(badName, home, Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.key()).isEqualTo("agent.acp.env"))
        .hasMessageContaining("'MY-KEY' is not an environment variable name");
  }

  @Test
  void writablePathsMustBeAbsoluteAndKeepOutOfWhatTheSandboxHides() throws Exception {
    for (String[] bad : new String[][] {
      {"cache", "not an absolute path"},
      {"~/.switchboard/x", "which the sandbox hides"},
      {"~/.ssh", "which the sandbox hides"},
      {home.toString(), "which the sandbox hides"},
      {home.getParent().toString(), "which the sandbox hides"}
    }) {
      Config c = load(
          null,
          Map.of(
              "SWITCHBOARD_ACP_COMMAND", "/bin/sh",
              "SWITCHBOARD_ACP_SANDBOX", "off",
              "SWITCHBOARD_ACP_WRITABLE_PATHS", bad[0]));
      assertThatThrownBy(() -> FACTORY.create(c, home, Map.of("HOME", "/home/ada")))
          .as(bad[0])
          .isInstanceOfSatisfying(
              ConfigException.class, e -> assertThat(e.key()).isEqualTo("agent.acp.writable_paths"))
          .hasMessageContaining(bad[1]);
    }
  }

  @Test
  void sandboxOnWithoutBubblewrapStopsTheStartNamingTheKey() throws Exception {
    Config c =
        load(null, Map.of("SWITCHBOARD_ACP_COMMAND", "/bin/sh", "SWITCHBOARD_ACP_SANDBOX", "on"));
    assertThatThrownBy(() -> FACTORY.create(c, home, Map.of("PATH", emptyDir().toString())))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.key()).isEqualTo("agent.acp.sandbox"))
        .hasMessageContaining("bwrap (bubblewrap) is not on PATH");
  }

  @Test
  void aBubblewrapThatFailsHereStopsAnOnStartAndLeavesAutoUnsandboxedWithAWarning()
      throws Exception {
    Path bin = Files.createDirectories(home.resolve("fake-bin"));
    Path bwrap = bin.resolve("bwrap");
    Files.writeString(
        bwrap,
        "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace, likely because the"
            + " kernel does not allow non-privileged user namespaces' >&2\nexit 1\n");
    Files.setPosixFilePermissions(bwrap, PosixFilePermissions.fromString("rwx------"));
    // A HOME of the test's: the agents' directory is made under it.
    Map<String, String> env = Map.of("PATH", bin.toString(), "HOME", ada.toString());

    Config on =
        load(null, Map.of("SWITCHBOARD_ACP_COMMAND", "/bin/sh", "SWITCHBOARD_ACP_SANDBOX", "on"));
    assertThatThrownBy(() -> FACTORY.create(on, home, env))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.key()).isEqualTo("agent.acp.sandbox"))
        .hasMessageContaining("fails here (exit 1): bwrap: No permissions to creating new");

    Logger logger = (Logger) LoggerFactory.getLogger(AcpBackendFactory.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try (AcpBackend auto =
        FACTORY.create(load(null, Map.of("SWITCHBOARD_ACP_COMMAND", "/bin/sh")), home, env)) {
      assertThat(auto.settings().sandbox()).isNull();
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(appender.list)
        .filteredOn(e -> e.getLevel() == Level.WARN)
        .singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage())
            .startsWith("ACP agents run unsandboxed")
            .contains("No permissions to creating new namespace")
            .contains("agent.acp.sandbox: off"));
  }

  @Test
  void autoSandboxesWhereBubblewrapWorksHidingTheStateDirectory() throws Exception {
    String path = "/usr/local/bin:/usr/bin:/bin";
    assertThat(AcpBackendFactory.findProgram("bwrap", path))
        .as("bubblewrap is not installed: run scripts/test-packages.sh (./run-tests does it)")
        .isNotNull();
    Config c = load(null, Map.of("SWITCHBOARD_ACP_COMMAND", "/bin/sh"));
    try (AcpBackend b = FACTORY.create(c, home, Map.of("PATH", path, "HOME", ada.toString()))) {
      assertThat(b.settings().sandbox()).isNotNull();
      assertThat(b.settings().sandbox().hidden())
          .contains(
              home.toAbsolutePath().normalize(),
              ada.resolve(".switchboard"),
              ada.resolve(".ssh"),
              ada.resolve(".aws"),
              ada.resolve(".netrc"));
      assertThat(b.settings().environment()).containsOnlyKeys("PATH", "HOME");
    }
  }

  private Path emptyDir() throws Exception {
    return Files.createDirectories(home.resolve("empty-bin"));
  }

  @Test
  void anAgentsDirectoryThatCannotBeMadeIsWarnedAboutAtStartWithWhatToDo() throws Exception {
    Path file = Files.writeString(home.resolve("a-file"), "");
    Path root = file.resolve("agents");
    Config c = load(
        null,
        Map.of(
            "SWITCHBOARD_ACP_COMMAND", "/bin/sh",
            "SWITCHBOARD_ACP_SANDBOX", "off",
            "SWITCHBOARD_ACP_CWD_ROOT", root.toString()));
    Logger logger = (Logger) LoggerFactory.getLogger(AcpBackendFactory.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try (AcpBackend b = FACTORY.create(c, home, Map.of("HOME", home.toString()))) {
      assertThat(b.settings().cwdRoot()).isEqualTo(root);
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(appender.list)
        .filteredOn(e -> e.getLevel() == Level.WARN
            && e.getFormattedMessage().startsWith("ACP agents' directory"))
        .singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage())
            .startsWith("ACP agents' directory " + root + " cannot be created")
            .contains("run 'switchboard install' again"));
    // Inside the state directory, with agents unsandboxed: .env is within their reach.
    assertThat(appender.list)
        .filteredOn(e -> e.getLevel() == Level.WARN)
        .anySatisfy(e -> assertThat(e.getFormattedMessage())
            .startsWith("the ACP agents' directory " + root + " (agent.acp.cwd_root) is inside"
                + " the state directory")
            .endsWith("unsandboxed agents can read its .env and web_token"));
  }

  @Test
  void aCommandThatCannotBeRunFailsTheTurnClearly() {
    AcpBackend b = new AcpBackend(new AcpBackend.Settings(
        List.of("/nonexistent/acp-agent"), home, 2, Duration.ofSeconds(5), Map.of(), null));
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
        List.of("/bin/sh", "-c", "exit 7"), home, 2, Duration.ofSeconds(5), Map.of(), null));
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
