package dev.switchboard.agent.acp;

import dev.switchboard.config.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The environment an agent starts with: a short list of variables that carry no secret (where
 * programs are, who and where the user is, language, time zone, certificates, the proxy) plus
 * the names {@code agent.acp.env} asks for, each with its value in the gateway's environment. Nothing
 * else: the gateway's environment holds its tokens (and whatever else the service manager or
 * the shell put there), and an allowlist cannot forget one the way a denylist can.
 */
final class AgentEnvironment {
  static final List<String> BASELINE = List.of(
      "PATH",
      "HOME",
      "USER",
      "LOGNAME",
      "SHELL",
      "LANG",
      "LANGUAGE",
      "TZ",
      "TERM",
      "TMPDIR",
      "XDG_CONFIG_HOME",
      "XDG_CACHE_HOME",
      "XDG_DATA_HOME",
      "XDG_STATE_HOME",
      "SSL_CERT_FILE",
      "SSL_CERT_DIR",
      "NODE_EXTRA_CA_CERTS",
      // An agent behind a proxy cannot reach its model without these.
      "HTTP_PROXY",
      "HTTPS_PROXY",
      "NO_PROXY",
      "ALL_PROXY",
      "http_proxy",
      "https_proxy",
      "no_proxy",
      "all_proxy");

  /** Locale categories: LC_ALL, LC_CTYPE, LC_MESSAGES, ... */
  private static final String LOCALE_PREFIX = "LC_";

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private AgentEnvironment() {}

  /**
   * The variables {@code agent.acp.env} names, checked: each a variable name, none a variable
   * that holds one of Switchboard's own secret settings.
   *
   * @param secretVariables the environment variables of the secret settings, e.g.
   *     TELEGRAM_BOT_TOKEN
   */
  static List<String> checkExtra(List<String> names, Set<String> secretVariables) {
    for (String name : names) {
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(
            AcpBackendFactory.ENV.path(),
            "'" + name + "' is not an environment variable name (letters, digits and _)");
      }
      if (secretVariables.contains(name)) {
        throw new ConfigException(
            AcpBackendFactory.ENV.path(),
            name + " holds a secret setting of Switchboard's own and is never passed to the"
                + " agent; give the agent its own variable");
      }
    }
    return List.copyOf(names);
  }

  /** The agent's environment: the baseline and {@code extra}, as far as {@code gateway} has them. */
  static Map<String, String> of(Map<String, String> gateway, List<String> extra) {
    Map<String, String> out = new TreeMap<>();
    gateway.forEach((name, value) -> {
      if (BASELINE.contains(name) || name.startsWith(LOCALE_PREFIX) || extra.contains(name)) {
        out.put(name, value);
      }
    });
    return Map.copyOf(out);
  }

  /** {@code environment} with TMPDIR replaced. */
  static Map<String, String> withTmpdir(Map<String, String> environment, String tmpdir) {
    Map<String, String> out = new TreeMap<>(environment);
    out.put("TMPDIR", tmpdir);
    return Map.copyOf(out);
  }
}
