package dev.switchboard.hooks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** Hook programs for the tests, and whether a process is gone. */
final class HookScripts {
  private HookScripts() {}

  /** Writes an executable shell script {@code hooks/<event>/<name>} under {@code home}. */
  static Path hook(Path home, EventKind event, String name, String body) throws IOException {
    Path dir = Files.createDirectories(home.resolve("hooks").resolve(event.label()));
    return script(dir.resolve(name), body);
  }

  static Path script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  static long pid(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).strip());
  }

  /**
   * Whether process {@code pid} has ended: no longer there, or a zombie (dead, waiting for a
   * parent that may never reap it: in a container PID 1 often does not).
   */
  static boolean gone(long pid) {
    Optional<String> stat;
    try {
      stat = Optional.of(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException e) {
      stat = Optional.empty();
    }
    if (stat.isEmpty()) {
      return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }
    String s = stat.get();
    // "pid (comm) S ...": the state follows the last ')', as comm may hold spaces and ')'
    return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
  }
}
