package dev.switchboard.agent.acp;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentBackendFactory;
import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The {@code acp} backend: an Agent Client Protocol agent run as a subprocess. */
public final class AcpBackendFactory implements AgentBackendFactory {
  public static final ConfigKey<List<String>> COMMAND = new ConfigKey<>(
      "agent.acp.command",
      "SWITCHBOARD_ACP_COMMAND",
      CommandLineType.INSTANCE,
      null,
      false,
      false,
      "The ACP agent to run, one process per conversation: a command line (simple shell"
          + " quoting, no shell features) or a YAML list of words.");

  public static final ConfigKey<String> CWD_ROOT = ConfigKey.optional(
      "agent.acp.cwd_root",
      "SWITCHBOARD_ACP_CWD_ROOT",
      ValueType.string(),
      null,
      "Directory under which each conversation's agent gets its own working directory"
          + " (default: acp-sessions in the state directory).");

  public static final ConfigKey<Integer> MAX_PROCESSES = ConfigKey.optional(
      "agent.acp.max_processes",
      "SWITCHBOARD_ACP_MAX_PROCESSES",
      ValueType.integer(1, 256),
      8,
      "Agent processes alive at once; starting one more stops the least recently used idle one.");

  public static final ConfigKey<Duration> START_TIMEOUT = ConfigKey.optional(
      "agent.acp.start_timeout",
      "SWITCHBOARD_ACP_START_TIMEOUT",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofMinutes(10)),
      Duration.ofSeconds(60),
      "How long an agent process may take to start and open its session.");

  @Override
  public String name() {
    return "acp";
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(COMMAND, CWD_ROOT, MAX_PROCESSES, START_TIMEOUT);
  }

  @Override
  public AgentBackend create(Config config) {
    return create(config, Objects.requireNonNull(defaultCwdRoot(System.getenv()).getParent()));
  }

  /**
   * The agent program is found and executable (create() refuses to start otherwise); running it
   * is left to the first conversation, since an agent may take minutes to start or cost money.
   */
  @Override
  public List<Finding> diagnose(Config config, Path home) {
    // create() throws a ConfigException naming the key when the program is missing.
    try (AgentBackend checked = create(config, home)) {
      checked.describe();
    }
    String program = config.get(COMMAND).getFirst();
    return List.of(Finding.ok(
        "agent",
        "acp backend: agent program " + findProgram(program, System.getenv("PATH")) + " found"));
  }

  /** Conversations' directories go under {@code home}/acp-sessions unless cwd_root says. */
  @Override
  public AgentBackend create(Config config, Path home) {
    List<String> command = config.get(COMMAND);
    if (command == null) {
      throw new ConfigException(
          COMMAND.path(),
          "the acp backend needs the agent to run; set " + COMMAND.where()
              + ", e.g. 'npx @zed-industries/claude-code-acp'");
    }
    String program = command.getFirst();
    if (findProgram(program, System.getenv("PATH")) == null) {
      throw new ConfigException(
          COMMAND.path(),
          "program '" + program + "' not found"
              + (program.contains("/") ? " or not executable" : " on PATH"));
    }
    Path root;
    String configured = config.get(CWD_ROOT);
    try {
      root = configured != null ? Path.of(configured) : home.resolve("acp-sessions");
    } catch (InvalidPathException e) {
      throw new ConfigException(CWD_ROOT.path(), "not a valid path");
    }
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new ConfigException(CWD_ROOT.path(), root + " exists and is not a directory");
    }
    Set<String> hidden = config.schema().keys().stream()
        .filter(ConfigKey::secret)
        .map(ConfigKey::env)
        .filter(Objects::nonNull)
        .collect(Collectors.toUnmodifiableSet());
    return new AcpBackend(new AcpBackend.Settings(
        command,
        root.toAbsolutePath().normalize(),
        config.get(MAX_PROCESSES),
        config.get(START_TIMEOUT),
        hidden));
  }

  /**
   * For a backend created without the gateway's state directory (tests, tools): found the way
   * the command line does without {@code --home}: {@code $SWITCHBOARD_HOME}, else
   * ~/.switchboard.
   */
  static Path defaultCwdRoot(Map<String, String> env) {
    String home = env.get("SWITCHBOARD_HOME");
    Path base = home != null && !home.isBlank()
        ? Path.of(home)
        : Path.of(System.getProperty("user.home"), ".switchboard");
    return base.resolve("acp-sessions");
  }

  /** The program's path if it can be run: as given when it has a slash, else found on PATH. */
  static @Nullable Path findProgram(String program, @Nullable String path) {
    if (program.contains("/")) {
      Path p = Path.of(program);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
    }
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator, -1)) {
      if (dir.isEmpty()) {
        continue;
      }
      try {
        Path p = Path.of(dir, program);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p;
        }
      } catch (InvalidPathException ignored) {
        // a PATH entry that is not a path names no program
      }
    }
    return null;
  }
}
