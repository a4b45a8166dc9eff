package dev.switchboard.platform.signal;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import java.io.File;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How the gateway starts signal-cli itself, under {@code platforms.signal.}: when {@code
 * cli_path} is set, the gateway runs {@code signal-cli daemon --http} as its child ({@link
 * SignalCliProcess}); unset, it starts nothing and talks to a daemon run by someone else.
 *
 * @param cliPath the signal-cli executable; null: start no child
 * @param configDir signal-cli's {@code --config} (its data directory); null: signal-cli's default
 * @param account the E.164 number signal-cli serves ({@code -a}); null only when cliPath is
 * @param listenHost where the child's HTTP server listens, always a loopback address
 * @param listenPort its port; 0: a free port chosen at the first start and kept after
 */
record SignalCliSettings(
    @Nullable Path cliPath,
    @Nullable Path configDir,
    @Nullable String account,
    String listenHost,
    int listenPort) {

  /** Where the child listens when cli_listen is not set: a free port there, chosen at start. */
  static final String DEFAULT_LISTEN_HOST = "127.0.0.1";

  static final ConfigKey<String> CLI_PATH = ConfigKey.optional(
      "platforms.signal.cli_path",
      "SIGNAL_CLI_PATH",
      ValueType.string(),
      null,
      "The signal-cli executable; set, the gateway starts and watches signal-cli daemon itself.");
  static final ConfigKey<String> CONFIG_DIR = ConfigKey.optional(
      "platforms.signal.config_dir",
      "SIGNAL_CONFIG_DIR",
      ValueType.string(),
      null,
      "signal-cli's data directory (its --config), holding the registered or linked account.");
  static final ConfigKey<String> CLI_LISTEN = ConfigKey.optional(
      "platforms.signal.cli_listen",
      "SIGNAL_CLI_LISTEN",
      ValueType.string(),
      null,
      "The loopback host:port of the started signal-cli's HTTP API; unset, a free port.");

  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  /** The keys read here besides the adapter's account ({@link SignalSettings#ACCOUNT}). */
  static List<ConfigKey<?>> keys() {
    return List.of(CLI_PATH, CONFIG_DIR, CLI_LISTEN);
  }

  static SignalCliSettings from(Config c) {
    String listen = c.get(CLI_LISTEN);
    String host = DEFAULT_LISTEN_HOST;
    int port = 0;
    if (listen != null) {
      int colon = listen.lastIndexOf(':');
      String rule = "expected host:port with a loopback host (127.0.0.1, ::1 or localhost) and a"
          + " port from 1 to 65535, got '" + listen + "'";
      if (colon <= 0 || !PORT.matcher(listen.substring(colon + 1)).matches()) {
        throw new ConfigException(CLI_LISTEN.path(), rule);
      }
      port = Integer.parseInt(listen.substring(colon + 1));
      host = unbracketed(listen.substring(0, colon));
      if (port < 1 || port > 65535) {
        throw new ConfigException(CLI_LISTEN.path(), rule);
      }
      if (!loopback(host)) {
        // signal-cli's HTTP API has no authentication: whoever reaches it sends as the account.
        // The child runs on this machine, so loopback is always enough.
        throw new ConfigException(
            CLI_LISTEN.path(),
            "'" + host + "' is not a loopback address; signal-cli's HTTP API has no"
                + " authentication, so anyone who reaches it can send as your number. " + rule);
      }
    }
    String cli = c.get(CLI_PATH);
    if (cli == null) {
      return new SignalCliSettings(null, null, c.get(SignalSettings.ACCOUNT), host, port);
    }
    Path cliPath = executable(cli);
    Path configDir = null;
    String dir = c.get(CONFIG_DIR);
    if (dir != null) {
      configDir = path(CONFIG_DIR, dir);
      if (!Files.isDirectory(configDir)) {
        throw new ConfigException(
            CONFIG_DIR.path(),
            "'" + dir + "' is not a directory; register or link the account with signal-cli"
                + " --config " + dir + " first");
      }
    }
    String account = c.get(SignalSettings.ACCOUNT);
    if (account == null) {
      throw new ConfigException(
          SignalSettings.ACCOUNT.path(),
          "required when " + CLI_PATH.path() + " is set: the number signal-cli serves; set "
              + SignalSettings.ACCOUNT.env());
    }
    if (!SignalSettings.E164.matcher(account).matches()) {
      throw new ConfigException(
          SignalSettings.ACCOUNT.path(),
          "expected a phone number in E.164 form: +, the country code, then the number, 7 to 15"
              + " digits in all with no spaces (+15551234567)");
    }
    return new SignalCliSettings(cliPath, configDir, account, host, port);
  }

  /** Whether the gateway starts signal-cli itself. */
  boolean startsChild() {
    return cliPath != null;
  }

  /**
   * The child's command line for {@code listen} ({@code host:port}). {@code --receive-mode
   * on-connection} fetches messages from Signal's servers only while a client holds {@code
   * /api/v1/events} open, so none is taken and lost while the gateway is not listening (the
   * default, on-start, receives from the start and drops what no client takes). {@code
   * --no-receive-stdout} and {@code --scrub-log} keep message texts, phone numbers and ids out
   * of the output the gateway logs.
   */
  List<String> command(String listen) {
    if (cliPath == null || account == null) {
      throw new IllegalStateException("no signal-cli to start: " + CLI_PATH.path() + " is unset");
    }
    List<String> command = new ArrayList<>();
    command.add(cliPath.toString());
    if (configDir != null) {
      command.add("--config");
      command.add(configDir.toString());
    }
    command.addAll(List.of("--scrub-log", "-a", account, "daemon", "--http", listen));
    command.addAll(List.of("--receive-mode", "on-connection", "--no-receive-stdout"));
    return List.copyOf(command);
  }

  /** {@code cli}, a path or a bare name looked up on PATH as a shell would, if executable. */
  private static Path executable(String cli) {
    Path path = path(CLI_PATH, cli);
    if (path.getNameCount() == 1 && !path.isAbsolute() && !cli.startsWith(".")) {
      String searchPath = System.getenv("PATH");
      List<String> dirs = Pattern.compile(Pattern.quote(File.pathSeparator))
          .splitAsStream(searchPath == null ? "" : searchPath)
          .toList();
      for (String dir : dirs) {
        Path candidate = dir.isEmpty() ? null : Path.of(dir).resolve(cli);
        if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate.toAbsolutePath();
        }
      }
      throw new ConfigException(
          CLI_PATH.path(), "no executable '" + cli + "' on PATH; give the full path to signal-cli");
    }
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(CLI_PATH.path(), "'" + cli + "' is not a file");
    }
    if (!Files.isExecutable(path)) {
      throw new ConfigException(
          CLI_PATH.path(), "'" + cli + "' is not executable (chmod +x, or check the path)");
    }
    return path.toAbsolutePath();
  }

  private static Path path(ConfigKey<String> key, String value) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new ConfigException(key.path(), "'" + value + "' is not a valid path");
    }
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** An IP literal on loopback, or localhost, checked without asking a name server. */
  private static boolean loopback(String host) {
    if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
      return true;
    }
    try {
      return InetAddress.ofLiteral(host).isLoopbackAddress();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
