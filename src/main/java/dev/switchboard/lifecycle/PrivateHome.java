package dev.switchboard.lifecycle;

import dev.switchboard.common.OwnerOnly;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The state directory kept owner-only, as every start leaves it: the directory itself, what is
 * in it (configuration, {@code .env}, the database and its {@code -wal} and {@code -shm}, the
 * login token, state files, ledgers, the lock) and what is in its subdirectories (the logs, the
 * web chat's conversations, the agents' working directories, as directories). Deeper levels
 * belong to the agents and are left as they made them. Symbolic links are never followed.
 */
public final class PrivateHome {
  /**
   * What a pass changed, and what it could not change (with why).
   *
   * @param home the state directory as the pass found it, symbolic links resolved
   */
  public record Report(Path home, List<OwnerOnly.Loose> tightened, List<String> failed) {
    public Report {
      tightened = List.copyOf(tightened);
      failed = List.copyOf(failed);
    }

    /** "the directory (was rwxr-xr-x), .env (was rw-r--r--)": paths relative to the home. */
    public String describeTightened() {
      List<String> parts = new ArrayList<>();
      for (OwnerOnly.Loose l : tightened) {
        String name =
            l.path().equals(home) ? "the directory" : home.relativize(l.path()).toString();
        parts.add(name + " (was " + l.mode() + ")");
      }
      return String.join(", ", parts);
    }
  }

  /** A path of the state directory that another user owns. */
  public record Foreign(Path path, String owner) {}

  private PrivateHome() {}

  /**
   * Every path of the state directory this class looks after, the directory first; none when
   * it does not exist. A state directory that is itself a symbolic link is looked after where
   * it points.
   */
  static List<Path> paths(Path home) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(home)) {
      return out;
    }
    out.add(home.toRealPath());
    for (Path child : children(out.getFirst())) {
      out.add(child);
      if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
        out.addAll(children(child));
      }
    }
    return out;
  }

  private static List<Path> children(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      entries.forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  /** What the group or others can use now, for {@code switchboard doctor}. Changes nothing. */
  public static List<OwnerOnly.Loose> loose(Path home) throws IOException {
    List<OwnerOnly.Loose> out = new ArrayList<>();
    for (Path p : paths(home)) {
      OwnerOnly.loose(p).ifPresent(out::add);
    }
    return out;
  }

  /**
   * What another user than {@code me} owns, for {@code switchboard doctor}: typically left by a
   * gateway once run with sudo. Such a path may not be writable by the gateway, and only its
   * owner or root can make it owner-only, so the start cannot fix it. Changes nothing.
   */
  public static List<Foreign> ownedByOthers(Path home, UserPrincipal me) throws IOException {
    List<Foreign> out = new ArrayList<>();
    for (Path p : paths(home)) {
      UserPrincipal owner = Files.getOwner(p, LinkOption.NOFOLLOW_LINKS);
      if (!owner.equals(me)) {
        out.add(new Foreign(p, owner.getName()));
      }
    }
    return out;
  }

  /** Takes the group's and others' permissions away from everything {@link #paths} lists. */
  public static Report tighten(Path home) {
    List<OwnerOnly.Loose> tightened = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<Path> paths;
    try {
      paths = paths(home);
    } catch (IOException e) {
      return new Report(home, List.of(), List.of(home + ": " + e));
    }
    for (Path p : paths) {
      try {
        Optional<OwnerOnly.Loose> was = OwnerOnly.tighten(p);
        was.ifPresent(tightened::add);
      } catch (IOException e) {
        failed.add(p + ": " + e);
      }
    }
    return new Report(paths.isEmpty() ? home : paths.getFirst(), tightened, failed);
  }
}
