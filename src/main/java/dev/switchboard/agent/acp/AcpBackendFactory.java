package dev.switchboard.agent.acp;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentBackendFactory;
import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code acp} backend: an Agent Client Protocol agent run as a subprocess. */
public final class AcpBackendFactory implements AgentBackendFactory {
  private static final Logger log = LoggerFactory.getLogger(AcpBackendFactory.class);

  /** Where agents' working directories went before they moved out of the state directory. */
  static final String LEGACY_CWD_ROOT = "acp-sessions";

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
          + " (default: ~/.local/state/switchboard-agents/<state directory>, outside the state"
          + " directory).");

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

  /** Whether agents run under bubblewrap. */
  public enum SandboxSetting {
    AUTO,
    ON,
    OFF
  }

  public static final ConfigKey<SandboxSetting> SANDBOX = ConfigKey.optional(
      "agent.acp.sandbox",
      "SWITCHBOARD_ACP_SANDBOX",
      ValueType.choice(SandboxSetting.class),
      SandboxSetting.AUTO,
      "Run agents under bubblewrap with the state directory and the user's secret files hidden:"
          + " auto where bwrap works, on (refuse to start without it) or off.");

  public static final ConfigKey<List<String>> ENV = ConfigKey.optional(
      "agent.acp.env",
      "SWITCHBOARD_ACP_ENV",
      ValueType.stringList(),
      List.of(),
      "Environment variables passed from the gateway to the agent besides PATH, HOME, locale and"
          + " the like (e.g. the agent's API key); Switchboard's own secrets never are.");

  public static final ConfigKey<List<String>> WRITABLE_PATHS = ConfigKey.optional(
      "agent.acp.writable_paths",
      "SWITCHBOARD_ACP_WRITABLE_PATHS",
      ValueType.stringList(),
      List.of(),
      "Paths besides its working directory the agent may write in the sandbox (its login,"
          + " caches: ~/.claude, ~/.npm); ~/ is the home directory.");

  @Override
  public String name() {
    return "acp";
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(COMMAND, CWD_ROOT, MAX_PROCESSES, START_TIMEOUT, SANDBOX, ENV, WRITABLE_PATHS);
  }

  @Override
  public AgentBackend create(Config config) {
    return create(config, defaultHome(System.getenv()));
  }

  /** Conversations' directories go outside {@code home} unless cwd_root says otherwise. */
  @Override
  public AgentBackend create(Config config, Path home) {
    return create(config, home, System.getenv());
  }

  /** @param env the gateway's environment: where programs are, the agent's variables */
  AcpBackend create(Config config, Path home, Map<String, String> env) {
    Plan plan = plan(config, home, env);
    String why = plan.sandbox().unsandboxedBecause();
    if (why != null && config.get(SANDBOX) == SandboxSetting.AUTO) {
      log.warn(
          "ACP agents run unsandboxed, able to read this user's files (the state directory"
              + " included): {}. To sandbox them, install bubblewrap (Debian: apt-get install"
              + " bubblewrap) where user namespaces are allowed; to accept this and silence the"
              + " warning, set agent.acp.sandbox: off",
          why);
    }
    Bubblewrap sandbox = plan.sandbox().bubblewrap();
    if (sandbox != null) {
      log.info(
          "ACP agents run sandboxed by bubblewrap ({}) in {}, without the state directory, your"
              + " ~/.switchboard, credentials (~/.ssh, ~/.aws, ...) and runtime directory"
              + " (agent.acp.sandbox)",
          sandbox.program(),
          plan.settings().cwdRoot());
    }
    try {
      Files.createDirectories(plan.settings().cwdRoot());
    } catch (IOException e) {
      // Not fatal: the agents' turns fail with their own message, and a fixed file system
      // (a remount, the unit installed again) needs no restart.
      log.warn(
          "ACP agents' directory {} cannot be created ({}): their turns will fail. Under a"
              + " systemd unit written before this version, run 'switchboard install' again so"
              + " that the unit leaves it writable; else set agent.acp.cwd_root to a writable"
              + " directory",
          plan.settings().cwdRoot(),
          e.toString());
    }
    Path legacy = home.resolve(LEGACY_CWD_ROOT);
    if (!config.isSet(CWD_ROOT) && Files.isDirectory(legacy)) {
      log.info(
          "ACP agents now work under {}, outside the state directory; the directories of"
              + " earlier conversations stay in {} (agent.acp.cwd_root)",
          plan.settings().cwdRoot(),
          legacy);
    }
    if (why != null && plan.cwdRootInsideHome()) {
      log.warn(
          "the ACP agents' directory {} (agent.acp.cwd_root) is inside the state directory {}:"
              + " unsandboxed agents can read its .env and web_token",
          plan.settings().cwdRoot(),
          home);
    }
    return new AcpBackend(plan.settings());
  }

  /**
   * The agent program is found and executable (create() refuses to start otherwise), and whether
   * agents will run sandboxed; running one is left to the first conversation, since an agent may
   * take minutes to start or cost money.
   */
  @Override
  public List<Finding> diagnose(Config config, Path home) throws InterruptedException {
    // plan() throws a ConfigException naming the key when the program is missing.
    Plan plan = plan(config, home, System.getenv());
    List<Finding> out = new ArrayList<>();
    out.add(Finding.ok("agent", "acp backend: agent program " + plan.program() + " found"));
    Bubblewrap sandbox = plan.sandbox().bubblewrap();
    String why = plan.sandbox().unsandboxedBecause();
    if (sandbox != null) {
      out.add(Finding.ok(
          "agent sandbox",
          "agents run under bubblewrap (" + sandbox.program() + "), in "
              + plan.settings().cwdRoot() + "; hidden from them: "
              + sandbox.hidden().stream()
                  .filter(Files::exists)
                  .map(Path::toString)
                  .collect(Collectors.joining(", "))));
    } else if (config.get(SANDBOX) == SandboxSetting.OFF) {
      out.add(Finding.ok(
          "agent sandbox",
          "agents run unsandboxed (agent.acp.sandbox: off), in "
              + plan.settings().cwdRoot()));
    } else {
      out.add(Finding.warn(
          "agent sandbox",
          "agents will run unsandboxed, able to read this user's files: " + why,
          "install bubblewrap (Debian: apt-get install bubblewrap) where user namespaces are"
              + " allowed, or set agent.acp.sandbox: off to accept it"));
    }
    if (sandbox == null && plan.cwdRootInsideHome()) {
      out.add(Finding.warn(
          "agent sandbox",
          "the agents' directory " + plan.settings().cwdRoot() + " (agent.acp.cwd_root) is"
              + " inside the state directory: unsandboxed agents can read its .env and web_token",
          "point agent.acp.cwd_root outside " + home));
    }
    return out;
  }

  /** The root of the conversations' directories. */
  @Override
  public List<Path> workDirectories(Config config, Path home, Map<String, String> env) {
    return List.of(cwdRoot(config, home, env));
  }

  /** {@code agent.acp.writable_paths}. */
  @Override
  public List<Path> otherWritablePaths(Config config, Path home, Map<String, String> env) {
    return writable(config, env, List.of());
  }

  /** Everything create() and diagnose() need, checked; nothing logged, nothing started. */
  private record Plan(
      AcpBackend.Settings settings,
      SandboxChoice sandbox,
      Path program,
      boolean cwdRootInsideHome) {}

  private Plan plan(Config config, Path home, Map<String, String> env) {
    List<String> command = config.get(COMMAND);
    if (command == null) {
      throw new ConfigException(
          COMMAND.path(),
          "the acp backend needs the agent to run; set " + COMMAND.where()
              + ", e.g. 'npx @zed-industries/claude-code-acp'");
    }
    String name = command.getFirst();
    Path program = findProgram(name, env.get("PATH"));
    if (program == null) {
      throw new ConfigException(
          COMMAND.path(),
          "program '" + name + "' not found"
              + (name.contains("/") ? " or not executable" : " on PATH"));
    }
    Path root = cwdRoot(config, home, env);
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new ConfigException(CWD_ROOT.path(), root + " exists and is not a directory");
    }
    Set<String> secretVariables = Stream.concat(
            config.schema().keys().stream()
                .filter(ConfigKey::secret)
                .map(ConfigKey::env)
                .filter(Objects::nonNull),
            // a named secret's variable, such as SWITCHBOARD_WEBHOOKS_GITHUB_SECRET
            config.get(ENV).stream().filter(config.schema()::secretVariable))
        .collect(Collectors.toUnmodifiableSet());
    List<String> extra = AgentEnvironment.checkExtra(config.get(ENV), secretVariables);
    List<Path> hidden = hidden(home, env);
    List<Path> writable = writable(config, env, hidden);
    SandboxChoice sandbox;
    try {
      sandbox = SandboxChoice.decide(config.get(SANDBOX), env.get("PATH"), hidden, writable);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying bubblewrap", e);
    }
    Map<String, String> environment = AgentEnvironment.of(env, extra);
    if (sandbox.bubblewrap() != null) {
      Path real = realPath(program);
      for (Path h : hidden) {
        if (real.startsWith(h) || program.startsWith(h)) {
          throw new ConfigException(
              COMMAND.path(),
              "program " + program + " is inside " + h + ", which the sandbox hides from agents;"
                  + " install it elsewhere or set agent.acp.sandbox: off");
        }
      }
      if (environment.containsKey("TMPDIR")) {
        // The sandbox has a /tmp of its own and nothing else is writable.
        environment = AgentEnvironment.withTmpdir(environment, "/tmp");
      }
    }
    Path homeAbsolute = home.toAbsolutePath().normalize();
    return new Plan(
        new AcpBackend.Settings(
            command,
            root,
            config.get(MAX_PROCESSES),
            config.get(START_TIMEOUT),
            environment,
            sandbox.bubblewrap()),
        sandbox,
        program,
        root.startsWith(homeAbsolute) || realPath(root).startsWith(realPath(homeAbsolute)));
  }

  /** The configured root, else {@link #defaultCwdRoot}; absolute and normalized. */
  static Path cwdRoot(Config config, Path home, Map<String, String> env) {
    String configured = config.get(CWD_ROOT);
    if (configured == null) {
      return defaultCwdRoot(home, env);
    }
    try {
      return expandHome(configured, env).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new ConfigException(CWD_ROOT.path(), "not a valid path");
    }
  }

  /**
   * {@code ~/.local/state/switchboard-agents/<state directory as a name>}: outside the state
   * directory, so that an agent walking up from its directory never meets the gateway's files,
   * and one directory per state directory, so that two gateways of the user never share one.
   * Not {@code $XDG_STATE_HOME}: a systemd unit's gateway rarely has the variable its installer's
   * shell had, and would then look for a directory the unit does not leave writable.
   */
  static Path defaultCwdRoot(Path home, Map<String, String> env) {
    return userHome(env)
        .resolve(".local")
        .resolve("state")
        .resolve("switchboard-agents")
        .resolve(AcpBackend.safeName(home.toAbsolutePath().normalize().toString()))
        .toAbsolutePath()
        .normalize();
  }

  /**
   * For a backend created without the gateway's state directory (tests, tools): found the way
   * the command line does without {@code --home}: {@code $SWITCHBOARD_HOME}, else
   * ~/.switchboard.
   */
  static Path defaultHome(Map<String, String> env) {
    String home = env.get("SWITCHBOARD_HOME");
    return home != null && !home.isBlank()
        ? Path.of(home)
        : Path.of(System.getProperty("user.home"), ".switchboard");
  }

  /**
   * Where common tools keep the user's credentials, relative to the home directory: hidden from
   * agents with the state directory, since an agent that can read them can act as the user
   * elsewhere (a host, a cloud account, a registry).
   */
  static final List<String> USER_SECRETS = List.of(
      ".ssh",
      ".gnupg",
      ".password-store",
      ".local/share/keyrings",
      ".aws",
      ".azure",
      ".config/gcloud",
      ".kube",
      ".docker",
      ".config/gh",
      ".netrc",
      ".git-credentials",
      ".npmrc",
      ".pypirc");

  /**
   * What the sandbox hides: the state directory, ~/.switchboard (another gateway's, or this
   * one's under another name), the user's credentials ({@link #USER_SECRETS}), and the runtime
   * directory, whose systemd and D-Bus sockets would let the agent start a process outside the
   * sandbox.
   */
  static List<Path> hidden(Path home, Map<String, String> env) {
    Set<Path> out = new LinkedHashSet<>();
    Path abs = home.toAbsolutePath().normalize();
    out.add(abs);
    out.add(realPath(abs));
    out.add(userHome(env).resolve(".switchboard"));
    out.add(Path.of(System.getProperty("user.home"), ".switchboard")
        .toAbsolutePath()
        .normalize());
    String switchboardHome = env.get("SWITCHBOARD_HOME");
    if (switchboardHome != null && !switchboardHome.isBlank()) {
      out.add(Path.of(switchboardHome).toAbsolutePath().normalize());
    }
    USER_SECRETS.forEach(secret -> out.add(userHome(env).resolve(secret)));
    String runtime = env.get("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isBlank() && Path.of(runtime).isAbsolute()) {
      out.add(Path.of(runtime).normalize());
    }
    return List.copyOf(out);
  }

  /** agent.acp.writable_paths, absolute, none overlapping what the sandbox hides. */
  private static List<Path> writable(Config config, Map<String, String> env, List<Path> hidden) {
    List<Path> out = new ArrayList<>();
    for (String entry : config.get(WRITABLE_PATHS)) {
      Path p;
      try {
        p = expandHome(entry, env);
      } catch (InvalidPathException e) {
        throw new ConfigException(WRITABLE_PATHS.path(), "'" + entry + "' is not a valid path");
      }
      if (!p.isAbsolute()) {
        throw new ConfigException(
            WRITABLE_PATHS.path(), "'" + entry + "' is not an absolute path (or ~/...)");
      }
      Path n = p.normalize();
      for (Path h : hidden) {
        if (n.startsWith(h) || h.startsWith(n)) {
          throw new ConfigException(
              WRITABLE_PATHS.path(),
              "'" + entry + "' overlaps " + h + ", which the sandbox hides from agents");
        }
      }
      out.add(n);
    }
    return List.copyOf(out);
  }

  private static Path expandHome(String path, Map<String, String> env) {
    if (path.equals("~")) {
      return userHome(env);
    }
    return path.startsWith("~/") ? userHome(env).resolve(path.substring(2)) : Path.of(path);
  }

  /** $HOME when it is an absolute path, else the account's home directory. */
  static Path userHome(Map<String, String> env) {
    String home = env.get("HOME");
    return home != null && !home.isBlank() && Path.of(home).isAbsolute()
        ? Path.of(home).normalize()
        : Path.of(System.getProperty("user.home")).toAbsolutePath().normalize();
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p;
    }
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
