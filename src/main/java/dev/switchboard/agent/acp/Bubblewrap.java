package dev.switchboard.agent.acp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs an agent under <a href="https://github.com/containers/bubblewrap">bubblewrap</a>: the
 * whole file system read-only, the {@code hidden} paths (the state directory with the bot
 * tokens, {@code .env}, {@code web_token} and the configuration; ~/.switchboard; the user's
 * runtime directory with the systemd and D-Bus sockets, through which a process of the user can
 * start anything outside) replaced by empty directories, a /tmp of its own (which also hides the
 * gateway JVM's attach socket), a PID namespace of its own with its own /proc (the gateway and
 * every other process of the user are out of sight and out of reach of signals and ptrace), no
 * capabilities (a gateway run as root cannot unmount what hides its files), and only its
 * working directory and the {@code writable} paths writable. The network is shared: agents talk
 * to their model over it.
 *
 * <p>A program the command names by a path under /tmp (an agent unpacked or checked out there)
 * keeps its directory, read-only: the sandbox's own /tmp would otherwise hide the very file it is
 * asked to run, and the files beside it that it loads (a script's modules). The rest of /tmp stays
 * out of sight.
 *
 * <p>Not {@code --die-with-parent}: its PR_SET_PDEATHSIG fires when the thread that started the
 * process ends, and in a JVM that is any pool or carrier thread, which would kill idle agents at
 * random. The agent ends when the gateway closes its stdin or stops it, as it does unsandboxed.
 */
record Bubblewrap(Path program, List<Path> hidden, List<Path> writable) {
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  Bubblewrap {
    hidden = List.copyOf(hidden);
    writable = List.copyOf(writable);
  }

  /** The command line that runs {@code command} sandboxed in {@code cwd}. */
  List<String> wrap(List<String> command, Path cwd) {
    List<String> argv = new ArrayList<>(isolation());
    for (Path keep : programPathsUnderTmp(command)) {
      argv.addAll(List.of("--ro-bind", keep.toString(), keep.toString()));
    }
    // After those: a hidden path inside such a directory must stay hidden.
    for (Path p : hidden) {
      // A path that does not exist hides nothing, and the read-only root cannot hold a new one.
      if (Files.isDirectory(p)) {
        argv.addAll(List.of("--tmpfs", p.toString()));
      } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        // A file becomes /dev/null on a nodev mount: it cannot even be opened.
        argv.addAll(List.of("--ro-bind", "/dev/null", p.toString()));
      }
    }
    for (Path p : writable) {
      argv.addAll(List.of("--bind-try", p.toString(), p.toString()));
    }
    argv.addAll(List.of("--bind", cwd.toString(), cwd.toString(), "--chdir", cwd.toString()));
    argv.add("--");
    argv.addAll(command);
    return List.copyOf(argv);
  }

  /**
   * The directories of the command's words that are files under /tmp, each once; a file right in
   * /tmp alone, since binding /tmp itself would undo the sandbox's own.
   */
  private static List<Path> programPathsUnderTmp(List<String> command) {
    Path tmp = Path.of("/tmp");
    List<Path> paths = new ArrayList<>();
    for (String word : command) {
      if (!word.startsWith("/")) {
        continue;
      }
      Path p = Path.of(word).normalize();
      Path parent = p.getParent();
      if (parent == null || !p.startsWith(tmp) || !Files.isRegularFile(p)) {
        continue;
      }
      Path visible = parent.equals(tmp) ? p : parent;
      if (!paths.contains(visible)) {
        paths.add(visible);
      }
    }
    return paths;
  }

  /** Everything but the paths: the same for the probe as for an agent. */
  private List<String> isolation() {
    return List.of(
        program.toString(),
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--tmpfs",
        "/tmp",
        "--unshare-pid",
        "--unshare-ipc",
        "--new-session",
        "--cap-drop",
        "ALL");
  }

  /**
   * Runs {@code true} the way an agent would run, to learn whether bubblewrap works here (it
   * needs user namespaces, which some kernels, containers and AppArmor profiles refuse).
   *
   * @return why it does not work; empty when it does
   */
  Optional<String> probe() throws InterruptedException {
    List<String> argv = new ArrayList<>(isolation());
    argv.addAll(List.of("--", "true"));
    Process p;
    try {
      p = new ProcessBuilder(argv)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectErrorStream(false)
          .start();
    } catch (IOException e) {
      return Optional.of(program + " cannot be run: " + e.getMessage());
    }
    try (InputStream err = p.getErrorStream()) {
      p.getOutputStream().close();
      if (!p.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return Optional.of(
            program + " did not finish a trial run within " + PROBE_TIMEOUT.toSeconds() + " s");
      }
      if (p.exitValue() == 0) {
        return Optional.empty();
      }
      String said = new String(err.readNBytes(4096), StandardCharsets.UTF_8).strip();
      int eol = said.indexOf('\n');
      return Optional.of(program + " fails here (exit " + p.exitValue() + ")"
          + (said.isEmpty() ? "" : ": " + (eol < 0 ? said : said.substring(0, eol))));
    } catch (IOException e) {
      return Optional.of(program + " cannot be run: " + e.getMessage());
    } finally {
      p.destroyForcibly();
    }
  }
}
