package dev.switchboard.service;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The systemd unit {@code switchboard install} writes. Every directive is chosen for the
 * lifecycle contract (docs/architecture.md) and explained in docs/operations.md, "systemd: switchboard install": a planned
 * restart exits 75, which is neither a failure (no OnFailure= alert, no start-limit count) nor
 * a stop (systemd starts it again); a configuration error exits 78 and is not restarted; the
 * stop timeout covers the whole drain, so systemd never kills a gateway that is still
 * finishing replies.
 *
 * @param command ExecStart, one word per element
 * @param user the account of a system unit; null for a user unit
 * @param watchdog WatchdogSec; zero for none
 * @param hardDeadline the gateway's own stop budget (drain timeout + shutdown grace)
 * @param writablePaths paths outside the state directory the gateway's agents write to (their
 *     working directories), left writable under ProtectSystem=strict
 */
public record SystemdUnit(
    List<String> command,
    Path home,
    @Nullable String user,
    Duration watchdog,
    Duration hardDeadline,
    List<String> environment,
    List<Path> writablePaths) {
  /** Added to the gateway's own stop budget: the JVM's exit and systemd's own bookkeeping. */
  static final Duration STOP_MARGIN = Duration.ofSeconds(15);
  /** Starting connects every platform (30 s each at most, in parallel) after the JVM starts. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  /**
   * None: a planned restart's time to ready is the old process's stop plus this plus the new
   * one's start, and a delay only adds to it (2 s of 4.2 s when it was 2 s; at systemd's default
   * of 100 ms the stop plus the delay took 0.33 s, and 0.07 s without). A crash loop that
   * reaches the gateway is slowed by the respawn breaker before the platforms are contacted;
   * one that does not is bounded by the start limit.
   */
  static final Duration RESTART_DELAY = Duration.ZERO;

  /**
   * systemd counts every start, planned restarts included, and fails the unit at more than
   * {@link #START_LIMIT_BURST} within this window (its own default, 5 in 10 s, would fail it on
   * the sixth quick /restart). A gateway's start to ready takes 0.6 s at least, so restarts,
   * planned or not, come at most about 15 times in 10 s; only a program that dies before it
   * gets going (a JVM that cannot start) comes faster, and that one stops at the limit rather
   * than spinning without delay forever.
   */
  static final Duration START_LIMIT_INTERVAL = Duration.ofSeconds(10);

  static final int START_LIMIT_BURST = 50;

  /** What {@code systemctl reload} runs: a SIGHUP to the gateway, which restarts under systemd. */
  static final String RELOAD = "/bin/kill -HUP $MAINPID";

  public SystemdUnit {
    command = List.copyOf(command);
    environment = List.copyOf(environment);
    writablePaths = List.copyOf(writablePaths);
  }

  /** A unit whose gateway writes nothing outside its state directory. */
  public SystemdUnit(
      List<String> command,
      Path home,
      @Nullable String user,
      Duration watchdog,
      Duration hardDeadline,
      List<String> environment) {
    this(command, home, user, watchdog, hardDeadline, environment, List.of());
  }

  public boolean systemScope() {
    return user != null;
  }

  public Duration stopTimeout() {
    return hardDeadline.plus(STOP_MARGIN);
  }

  /**
   * PrivateTmp gives the service an empty /tmp of its own: right, unless the state directory,
   * a path its agents write to or the program itself lives under /tmp, which it would then not find (systemd fails the start
   * with status 226/NAMESPACE).
   */
  public boolean privateTmp() {
    return Stream.of(
            command.stream(),
            Stream.of(home.toString()),
            writablePaths.stream().map(Path::toString))
        .flatMap(s -> s)
        .flatMap(word -> Arrays.stream(word.split(File.pathSeparator)))
        .noneMatch(p -> p.equals("/tmp")
            || p.startsWith("/tmp/")
            || p.equals("/var/tmp")
            || p.startsWith("/var/tmp/"));
  }

  public String render(String version) {
    StringBuilder u = new StringBuilder();
    u.append("# Switchboard chat gateway, written by 'switchboard install' (")
        .append(version)
        .append(").\n# Each line is explained in Switchboard's docs/operations.md, \"systemd:"
            + " switchboard install\". Run\n# 'switchboard install' again after changing the drain timeout,"
            + " the shutdown grace\n# or the watchdog, and 'switchboard doctor' tells when this"
            + " file is out of date.\n");
    u.append("[Unit]\n");
    u.append("Description=Switchboard chat gateway\n");
    u.append("Wants=network-online.target\n");
    u.append("After=network-online.target\n");
    u.append("StartLimitIntervalSec=").append(seconds(START_LIMIT_INTERVAL)).append('\n');
    u.append("StartLimitBurst=").append(START_LIMIT_BURST).append("\n\n");
    u.append("[Service]\n");
    u.append("Type=notify\n");
    u.append("NotifyAccess=main\n");
    u.append("ExecStart=")
        .append(command.stream().map(SystemdUnit::quote).collect(Collectors.joining(" ")))
        .append('\n');
    // systemctl reload: SIGHUP, which the gateway answers under systemd with exit 75, and
    // systemd starts a new process that reads the configuration again. Written as is: quote()
    // would double the "$" that systemd must expand.
    u.append("ExecReload=").append(RELOAD).append('\n');
    for (String e : environment) {
      u.append("Environment=").append(quote(e)).append('\n');
    }
    if (user != null) {
      u.append("User=").append(user).append('\n');
    }
    if (!watchdog.isZero()) {
      u.append("WatchdogSec=").append(seconds(watchdog)).append('\n');
    }
    u.append("Restart=on-failure\n");
    u.append("RestartSec=").append(RESTART_DELAY.toMillis()).append('\n');
    u.append("SuccessExitStatus=75 143\n");
    u.append("RestartForceExitStatus=75\n");
    u.append("RestartPreventExitStatus=78\n");
    u.append("TimeoutStartSec=").append(seconds(START_TIMEOUT)).append('\n');
    u.append("TimeoutStopSec=").append(seconds(stopTimeout())).append('\n');
    u.append("KillMode=mixed\n");
    u.append("NoNewPrivileges=yes\n");
    u.append("ProtectSystem=strict\n");
    if (privateTmp()) {
      u.append("ReadWritePaths=").append(quote(home.toString())).append('\n');
      u.append("PrivateTmp=yes\n");
    } else {
      // The JVM and SQLite's native library need a writable temporary directory.
      u.append("# No PrivateTmp=: the state directory or the program is under /tmp.\n");
      u.append("ReadWritePaths=").append(quote(home.toString())).append(" /tmp /var/tmp\n");
    }
    if (!writablePaths.isEmpty()) {
      // "-": a path that does not exist (yet) must not fail the start with 226/NAMESPACE.
      u.append("ReadWritePaths=")
          .append(writablePaths.stream().map(p -> quote("-" + p)).collect(Collectors.joining(" ")))
          .append('\n');
    }
    // The per-bot-token locks (one gateway per token on this machine) live here; Preserve
    // keeps the directory, and the locks other gateways hold in it, when the service stops.
    u.append("RuntimeDirectory=switchboard\n");
    u.append("RuntimeDirectoryPreserve=yes\n");
    u.append('\n');
    u.append("[Install]\n");
    u.append("WantedBy=")
        .append(user != null ? "multi-user.target" : "default.target")
        .append('\n');
    return u.toString();
  }

  /**
   * The template unit {@code switchboard@.service} for several gateways on one host, each with
   * its state directory under the same parent as this one: the same unit with every mention of
   * the state directory made {@code <parent>/%i}, so {@code switchboard@<name>} runs the one in
   * {@code <parent>/<name>}.
   */
  public String renderTemplate(String version) {
    Path parent = Objects.requireNonNull(
        home.toAbsolutePath().normalize().getParent(), "a state directory has a parent");
    String literalHome = home.toAbsolutePath().normalize().toString().replace("%", "%%");
    String literalParent = parent.toString().replace("%", "%%");
    // Only the whole directory: /srv/sb/a must not turn /srv/sb/ab into /srv/sb/%ib.
    return render(version)
        .replace(
            "Description=Switchboard chat gateway\n", "Description=Switchboard chat gateway %i\n")
        .replaceAll(
            Pattern.quote(literalHome) + "(?=[/\"\\s:]|$)",
            Matcher.quoteReplacement(
                (literalParent.endsWith("/") ? literalParent : literalParent + "/") + "%i"));
  }

  /**
   * Whether {@code name} can be a systemd instance name as it is (letters, digits, ":", "_",
   * ".", "-"): anything else would need systemd's escaping, which {@code %i} would undo into a
   * different directory name.
   */
  public static boolean validInstanceName(String name) {
    return !name.isEmpty()
        && name.chars()
            .allMatch(c -> (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == ':'
                || c == '_'
                || c == '.'
                || c == '-');
  }

  private static String seconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000) + "s";
  }

  /**
   * One word as systemd reads it: quoted when it holds a space, a quote or a backslash; "%"
   * (specifiers) and "$" (variables) are doubled so they stay literal.
   */
  static String quote(String word) {
    String literal = word.replace("%", "%%").replace("$", "$$");
    if (!literal.isEmpty()
        && literal
            .chars()
            .noneMatch(
                c -> c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '\\' || c == ';')) {
      return literal;
    }
    return "\"" + literal.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * The state directory a unit's ExecStart serves (the word after {@code --home}), reading the
   * quoting {@link #quote} writes; empty for a unit that names none.
   */
  public static Optional<Path> homeOf(String unitText) {
    return unitText.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().flatMap(l -> {
      List<String> words = words(l.substring("ExecStart=".length()));
      int at = words.indexOf("--home");
      return at >= 0 && at + 1 < words.size()
          ? Optional.of(Path.of(words.get(at + 1)))
          : Optional.empty();
    });
  }

  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '\\' && i + 1 < line.length()) {
        // the opening quote started the word
        Objects.requireNonNull(word).append(line.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
        word = word == null ? new StringBuilder() : word;
      } else if (!quoted && (c == ' ' || c == '\t')) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words.stream().map(w -> w.replace("%%", "%").replace("$$", "$")).toList();
  }

  /** A system unit's {@code User=}, or null for a unit without one (a user unit). */
  public static @Nullable String userOf(String unitText) {
    return unitText
        .lines()
        .filter(l -> l.startsWith("User="))
        .map(l -> l.substring(5).strip())
        .findFirst()
        .orElse(null);
  }

  /**
   * Where an installed unit differs from the one {@code install} would write now, comment lines
   * aside: "-" lines only the installed unit has, "+" lines only the new one has, in order.
   */
  public static List<String> drift(String installed, String expected) {
    List<String> have = settingLines(installed);
    List<String> want = settingLines(expected);
    List<String> out = new ArrayList<>();
    have.stream().filter(l -> !want.contains(l)).forEach(l -> out.add("- " + l));
    want.stream().filter(l -> !have.contains(l)).forEach(l -> out.add("+ " + l));
    return out;
  }

  private static List<String> settingLines(String text) {
    return text.lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }
}
