package dev.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A throwaway PostgreSQL cluster for the tests, one per JVM, made with the initdb and pg_ctl of
 * Debian's {@code postgresql} package (the newest under {@code /usr/lib/postgresql}) in a
 * temporary directory and removed by a shutdown hook. The system's own cluster, if any, is never
 * used: tests must not depend on how the machine is set up, nor leave databases behind.
 *
 * <p>Each test takes its own database with {@link #newDatabase}, so tests do not see each other's
 * rows and need no cleanup. The server listens on 127.0.0.1 only, with trust authentication for
 * the {@code postgres} superuser, and runs without fsync: it holds nothing that must survive a
 * crash of the machine.
 *
 * <p>Missing binaries are a failure, not a skip: a test that quietly does not run proves nothing.
 */
public final class PostgresServer {
  private static final Path INSTALLS = Path.of("/usr/lib/postgresql");
  private static final String SUPERUSER = "postgres";
  private static final Duration COMMAND_LIMIT = Duration.ofSeconds(120);
  private static final int LOG_TAIL_LINES = 40;
  private static final String MAINTENANCE_DATABASE = "postgres";

  /** Orders Debian's directory names, major versions like "15" or "9.6", numerically. */
  private static final Comparator<List<Integer>> VERSION_ORDER = (a, b) -> {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int order = Integer.compare(a.get(i), b.get(i));
      if (order != 0) {
        return order;
      }
    }
    return Integer.compare(a.size(), b.size());
  };

  private static @Nullable PostgresServer shared;
  private static @Nullable RuntimeException sharedFailure;

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final Path log;
  private final int port;
  private final boolean asRoot;
  private final AtomicInteger databases = new AtomicInteger();

  private PostgresServer(Path bin, Path dir, int port, boolean asRoot) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.log = dir.resolve("postgres.log");
    this.port = port;
    this.asRoot = asRoot;
  }

  /**
   * This JVM's cluster, made and started on first use. A failure to start is remembered, so the
   * tests after the first fail at once with the same cause instead of each trying again.
   */
  public static synchronized PostgresServer shared() {
    if (sharedFailure != null) {
      throw sharedFailure;
    }
    PostgresServer server = shared;
    if (server == null) {
      try {
        server = create();
      } catch (RuntimeException e) {
        sharedFailure = e;
        throw e;
      }
      shared = server;
    }
    return server;
  }

  private static PostgresServer create() {
    Path bin = newestBin();
    // initdb refuses to run as root, and a cluster must be owned by the user that runs it
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Path dir;
    try {
      dir = Files.createTempDirectory("switchboard-pg-");
      if (asRoot) {
        UserPrincipal postgres =
            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SUPERUSER);
        Files.setOwner(dir, postgres);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot make a directory for the test PostgreSQL cluster"
              + (asRoot ? " owned by the user " + SUPERUSER : ""),
          e);
    }
    PostgresServer server = new PostgresServer(bin, dir, freePort(), asRoot);
    Runtime.getRuntime()
        .addShutdownHook(Thread.ofPlatform().name("postgres-cleanup").unstarted(server::destroy));
    server.initdb();
    server.start();
    return server;
  }

  /** The port the server listens on at 127.0.0.1; it stays the same across restarts. */
  public int port() {
    return port;
  }

  /**
   * Creates a new, empty database whose name is {@code hint} (letters, digits and underscores
   * kept) plus a number unique in this JVM, and returns its address in the form the gateway's
   * {@code store.url} takes: {@code postgresql://postgres@127.0.0.1:PORT/NAME}.
   */
  public String newDatabase(String hint) {
    return newDatabase(hint, null);
  }

  /**
   * As {@link #newDatabase(String)}, a copy of the database {@code template} (the last path
   * segment of an earlier address) when it is not null: copying a migrated database is much
   * faster than migrating a new one. Nothing may be connected to the template meanwhile.
   */
  public String newDatabase(String hint, @Nullable String template) {
    String name = databaseName(hint, databases.incrementAndGet());
    try (Connection c = DriverManager.getConnection(jdbcUrl(MAINTENANCE_DATABASE));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + (template == null ? "" : " TEMPLATE " + template));
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create the database " + name + " in the test PostgreSQL cluster at port " + port,
          e);
    }
    return "postgresql://" + SUPERUSER + "@127.0.0.1:" + port + "/" + name;
  }

  /**
   * The JDBC URL of {@code database}: the last path segment of a {@link #newDatabase} address,
   * or {@code postgres} for the maintenance database.
   */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + SUPERUSER;
  }

  /**
   * Restarts the server (a fast shutdown: open connections are cut, as when PostgreSQL is
   * restarted under a running gateway) and returns once it accepts connections again.
   */
  public void restart() {
    pgCtl("restart", "-m", "fast");
  }

  /** Stops the server (fast shutdown) until {@link #start}; connections fail meanwhile. */
  public void stop() {
    pgCtl("stop", "-m", "fast");
  }

  /** Starts the server again after {@link #stop}, on the same port with the same databases. */
  public void start() {
    if (!Files.exists(data.resolve("postmaster.pid"))) {
      pgCtl("start");
    }
  }

  static String databaseName(String hint, int number) {
    String name = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
    if (name.length() > 40) {
      name = name.substring(0, 40);
    }
    // an unquoted identifier must not start with a digit
    if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
      name = "db_" + name;
    }
    return name + "_" + number;
  }

  private void initdb() {
    run(
        "initdb",
        List.of(
            "-D",
            data.toString(),
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C"));
  }

  private void pgCtl(String action, String... options) {
    List<String> args = new ArrayList<>(List.of(action, "-D", data.toString(), "-w", "-t", "60"));
    args.addAll(List.of(options));
    if (!action.equals("stop")) {
      // restart reads the options back from postmaster.opts too; passing them keeps it explicit
      args.addAll(List.of("-o", serverOptions()));
    }
    run("pg_ctl", args);
  }

  private String serverOptions() {
    // the socket goes in the data directory: the default /var/run/postgresql may not exist, and
    // the system's own cluster may be using it
    return String.join(
        " ",
        "-p",
        Integer.toString(port),
        "-k",
        data.toString(),
        "-c listen_addresses=127.0.0.1",
        "-c fsync=off",
        "-c synchronous_commit=off",
        "-c full_page_writes=off",
        "-c max_connections=200");
  }

  /**
   * Runs one of the cluster's commands to its end, its output (and the server's, which pg_ctl
   * start hands its own) appended to the log, which goes to a file rather than a pipe: the
   * server keeps the descriptor open long after pg_ctl has exited.
   */
  private void run(String program, List<String> args) {
    List<String> command = new ArrayList<>();
    if (asRoot) {
      command.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(args);
    try {
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .start();
      if (!process.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw failure(String.join(" ", command) + " did not end within " + COMMAND_LIMIT);
      }
      if (process.exitValue() != 0) {
        throw failure(String.join(" ", command) + " exited with " + process.exitValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + program, e);
    }
  }

  private IllegalStateException failure(String what) {
    String tail;
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      tail = String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      tail = "(cannot read " + log + ": " + e + ")";
    }
    return new IllegalStateException(
        "test PostgreSQL cluster in " + dir + ": " + what + "; end of " + log + ":\n" + tail);
  }

  /** Stops the server at once (nothing in it is worth a checkpoint) and removes its files. */
  private void destroy() {
    // a server is up, or was left up by a start that timed out, while this file exists
    if (Files.exists(data.resolve("postmaster.pid"))) {
      try {
        run("pg_ctl", List.of("stop", "-D", data.toString(), "-m", "immediate", "-w"));
      } catch (RuntimeException e) {
        // the JVM is exiting: leave the files for whoever looks into why the server would not stop
        System.err.println(e.getMessage());
        return;
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      System.err.println("cannot remove the test PostgreSQL cluster in " + dir + ": " + e);
    }
  }

  private static Path newestBin() {
    List<Path> installs;
    try (Stream<Path> versions =
        Files.isDirectory(INSTALLS) ? Files.list(INSTALLS) : Stream.empty()) {
      installs = versions
          .filter(version -> Files.isExecutable(version.resolve("bin/initdb"))
              && Files.isExecutable(version.resolve("bin/pg_ctl")))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + INSTALLS, e);
    }
    Optional<Path> newest =
        installs.stream().max(Comparator.comparing(PostgresServer::version, VERSION_ORDER));
    return newest
        .orElseThrow(
            () -> new IllegalStateException("the PostgreSQL tests need a PostgreSQL server: no "
                + INSTALLS
                + "/*/bin with initdb and pg_ctl; run `bash scripts/test-packages.sh` to"
                + " install Debian's postgresql package"))
        .resolve("bin");
  }

  private static List<Integer> version(Path install) {
    List<Integer> parts = new ArrayList<>();
    for (String part : String.valueOf(install.getFileName()).split("\\.")) {
      parts.add(part.matches("\\d{1,9}") ? Integer.parseInt(part) : -1);
    }
    return parts;
  }

  /**
   * A loopback port free now. Another process could take it before the server binds it; then
   * pg_ctl start fails naming the port, which is rare enough not to retry.
   */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    }
  }
}
