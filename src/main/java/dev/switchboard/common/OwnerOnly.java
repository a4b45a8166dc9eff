package dev.switchboard.common;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Files and directories that only their owner can open: the state directory holds the bot
 * tokens in {@code .env}, the login token, the chats and the journal. New ones are created that
 * way, so they are never readable by others even for a moment; old ones (made by hand, or by a
 * version that did not do this) are tightened by taking the group's and others' permissions
 * away. On a file system without POSIX permissions all of this does nothing.
 */
public final class OwnerOnly {
  public static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_EXECUTE);

  private OwnerOnly() {}

  /**
   * A file or directory that the group or others may use.
   *
   * @param mode its permissions as {@code ls} shows them, such as {@code rw-r--r--}
   */
  public record Loose(Path path, String mode, boolean directory) {
    /** The {@code chmod} mode that fixes it. */
    public String fixMode() {
      return directory ? "700" : "600";
    }
  }

  /** Creates the directory, and any missing parent, owner-only; an existing one is left alone. */
  public static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (posix(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
    } else {
      Files.createDirectories(dir);
    }
  }

  /**
   * Creates the file, empty and owner-only, if nothing is there (a symbolic link counts);
   * an existing file is left alone, for the start to tighten and report.
   */
  public static void createFileIfMissing(Path file) throws IOException {
    try {
      Files.createFile(file, fileAttributes(file));
    } catch (FileAlreadyExistsException e) {
      // see above
    }
  }

  /** The attributes that create {@code file} owner-only (none off POSIX file systems). */
  public static FileAttribute<?>[] fileAttributes(Path file) {
    return posix(file)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  /**
   * The file or directory at {@code path} if the group or others have any permission on it.
   * Symbolic links (which the user made, pointing anywhere) and missing paths are not loose.
   */
  public static Optional<Loose> loose(Path path) throws IOException {
    if (!posix(path) || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    PosixFileAttributes a =
        Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!(a.isRegularFile() || a.isDirectory())) {
      return Optional.empty();
    }
    Set<PosixFilePermission> perms = a.permissions();
    if (perms.stream().noneMatch(GROUP_AND_OTHERS::contains)) {
      return Optional.empty();
    }
    return Optional.of(new Loose(path, PosixFilePermissions.toString(perms), a.isDirectory()));
  }

  /**
   * Takes the group's and others' permissions away from {@code path}, keeping the owner's.
   *
   * @return what it was, when it changed
   */
  public static Optional<Loose> tighten(Path path) throws IOException {
    Optional<Loose> loose = loose(path);
    if (loose.isPresent()) {
      Set<PosixFilePermission> kept = EnumSet.noneOf(PosixFilePermission.class);
      kept.addAll(PosixFilePermissions.fromString(loose.get().mode()));
      kept.removeAll(GROUP_AND_OTHERS);
      Files.setPosixFilePermissions(path, kept);
    }
    return loose;
  }

  /**
   * The user this process runs as, as the file system names owners; empty when it cannot tell.
   * On Linux that is the owner of {@code /proc/self} (the effective user, also when it has no
   * name, as in many containers); elsewhere the user named by {@code user.name}.
   */
  public static Optional<UserPrincipal> currentUser() {
    try {
      Path self = Path.of("/proc/self");
      if (Files.isDirectory(self)) {
        return Optional.of(Files.getOwner(self));
      }
      return Optional.of(self.getFileSystem()
          .getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name")));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
