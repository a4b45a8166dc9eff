package dev.switchboard.store.sqlite;

import dev.switchboard.common.OwnerOnly;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Keeps a copy of the xerial driver's native SQLite library in the state directory and points
 * the driver at it, so that a start loads it straight away. Left to itself the driver writes
 * the library (about 1.5 MB) out of its jar into /tmp on every start, compares that copy with
 * the original byte by byte and runs {@code uname} to tell Android apart: a tenth of a second
 * of every restart, measured in a profiled start. The driver keeps no copy of its own between
 * runs; it takes one through its {@code org.sqlite.lib.path} and {@code org.sqlite.lib.name}
 * properties, and when that copy does not load (a state directory on a {@code noexec} mount)
 * it falls back to its own extraction, so the gateway is never worse off than without.
 *
 * <p>The copy is named by the driver's version, the OS and the architecture; a new driver
 * makes a new copy (old ones are deleted). It is written to a temporary file and renamed, so
 * a start killed half-way leaves no partial library behind.
 */
final class NativeLibraryCopy {
  private static final Logger log = LoggerFactory.getLogger(NativeLibraryCopy.class);
  static final String PATH_PROPERTY = "org.sqlite.lib.path";
  static final String NAME_PROPERTY = "org.sqlite.lib.name";
  private static final String PREFIX = "sqlite-jdbc-";

  private NativeLibraryCopy() {}

  /**
   * Points the driver at the copy in {@code dir}, making it first when there is none. Does
   * nothing when the properties are already set: by the user, or by an earlier call in this
   * JVM (the driver loads its library once per JVM anyway).
   */
  static synchronized void useCopyIn(Path dir) {
    if (System.getProperty(PATH_PROPERTY) != null || System.getProperty(NAME_PROPERTY) != null) {
      return;
    }
    Path copy = dir.resolve(fileName(SQLiteJDBCLoader.getVersion()));
    try {
      if (!Files.isRegularFile(copy)) {
        write(dir, copy);
      }
    } catch (IOException | RuntimeException e) {
      log.info(
          "the SQLite driver's native library could not be kept in {} ({}); the driver extracts"
              + " it at every start instead",
          dir,
          e.toString());
      return;
    }
    System.setProperty(PATH_PROPERTY, dir.toString());
    System.setProperty(NAME_PROPERTY, copy.getFileName().toString());
  }

  static String fileName(String driverVersion) {
    return PREFIX
        + safe(driverVersion)
        + "-"
        + safe(System.getProperty("os.name", "os"))
        + "-"
        + safe(System.getProperty("os.arch", "arch"))
        + "-"
        + LibraryLoaderUtil.getNativeLibName();
  }

  private static String safe(String part) {
    return part.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._]", "_");
  }

  private static void write(Path dir, Path copy) throws IOException {
    OwnerOnly.createDirectories(dir);
    // Named from the OS the driver detects (glibc or musl, Android...): only here, once.
    String resource =
        LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    Path part = Files.createTempFile(dir, PREFIX, ".part", OwnerOnly.fileAttributes(dir));
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("the driver has no library at " + resource);
      }
      // Into the owner-only file made above (Files.copy would replace it with a default mode).
      try (OutputStream out = Files.newOutputStream(part)) {
        in.transferTo(out);
      }
      Files.move(part, copy, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(part);
    }
    deleteOtherCopies(dir, copy);
    log.debug("kept the SQLite driver's native library as {}", copy);
  }

  /** Copies made for other driver versions, which nothing will load again. */
  private static void deleteOtherCopies(Path dir, Path keep) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(PREFIX)
            && name.endsWith(LibraryLoaderUtil.getNativeLibName())
            && !p.equals(keep)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
