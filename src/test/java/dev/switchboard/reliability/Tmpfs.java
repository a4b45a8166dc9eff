package dev.switchboard.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a directory (root only), to run a process out of disk space there:
 * {@link #fill} writes a filler file until the file system says it is full, {@link #release}
 * deletes it. {@link #close} always unmounts, lazily if something still has a file open.
 */
final class Tmpfs implements AutoCloseable {
  private final Path mountPoint;
  private final Path filler;
  private boolean mounted;

  private Tmpfs(Path mountPoint) {
    this.mountPoint = mountPoint;
    this.filler = mountPoint.resolve("filler");
  }

  /** Whether this process may mount file systems (root, as in CI). */
  static boolean canMount() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Mounts a tmpfs of {@code sizeBytes} on {@code dir} (an existing, empty directory). */
  static Tmpfs mount(Path dir, long sizeBytes) throws Exception {
    Tmpfs t = new Tmpfs(dir);
    run("mount", "-t", "tmpfs", "-o", "size=" + sizeBytes + ",mode=0700", "tmpfs", dir.toString());
    t.mounted = true;
    return t;
  }

  /** Writes the filler until the file system is full; returns the bytes it took. */
  long fill() throws IOException {
    byte[] block = new byte[4096];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        out.flush();
        written += block.length;
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
        throw e;
      }
    }
    return written;
  }

  /** Gives the space back. */
  void release() throws IOException {
    Files.deleteIfExists(filler);
  }

  @Override
  public void close() throws Exception {
    if (!mounted) {
      return;
    }
    mounted = false;
    try {
      run("umount", mountPoint.toString());
    } catch (IllegalStateException busy) {
      run("umount", "-l", mountPoint.toString()); // detached now, freed when the last file closes
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
    }
  }
}
