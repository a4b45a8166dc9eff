package dev.switchboard.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * The copy of the driver's native library kept in the state directory. The properties it sets
 * are the JVM's, so each test puts back what it found; whether the driver really loads the copy
 * (and extracts nothing) is seen in a JVM of its own, where the library is not loaded yet.
 */
class NativeLibraryCopyTest {
  @TempDir
  Path dir;

  private @Nullable String pathBefore;
  private @Nullable String nameBefore;

  @BeforeEach
  void clearProperties() {
    pathBefore = System.clearProperty(NativeLibraryCopy.PATH_PROPERTY);
    nameBefore = System.clearProperty(NativeLibraryCopy.NAME_PROPERTY);
  }

  @AfterEach
  void restoreProperties() {
    restore(NativeLibraryCopy.PATH_PROPERTY, pathBefore);
    restore(NativeLibraryCopy.NAME_PROPERTY, nameBefore);
  }

  private static void restore(String key, @Nullable String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void theFirstCallWritesAnOwnerOnlyCopyOfTheDriversLibraryAndPointsTheDriverAtIt()
      throws IOException {
    Path cache = dir.resolve("cache");
    Path older = Files.createDirectories(cache).resolve(NativeLibraryCopy.fileName("3.0.0.0"));
    Files.writeString(older, "an older driver's library");
    Path unrelated = Files.writeString(cache.resolve("notes.txt"), "kept");

    NativeLibraryCopy.useCopyIn(cache);

    Path copy = cache.resolve(NativeLibraryCopy.fileName(SQLiteJDBCLoader.getVersion()));
    assertThat(System.getProperty(NativeLibraryCopy.PATH_PROPERTY)).isEqualTo(cache.toString());
    assertThat(System.getProperty(NativeLibraryCopy.NAME_PROPERTY))
        .isEqualTo(copy.getFileName().toString());
    assertThat(Files.readAllBytes(copy)).isEqualTo(driversLibrary());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)))
        .isEqualTo("rw-------");
    assertThat(older).doesNotExist();
    assertThat(unrelated).exists();
    try (Stream<Path> left = Files.list(cache)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(copy.getFileName().toString(), "notes.txt");
    }
  }

  @Test
  void anExistingCopyIsUsedAsItIsAndPropertiesAlreadySetAreLeftAlone() throws IOException {
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Path copy = cache.resolve(NativeLibraryCopy.fileName(SQLiteJDBCLoader.getVersion()));
    Files.writeString(copy, "made by an earlier start");
    NativeLibraryCopy.useCopyIn(cache);
    assertThat(Files.readString(copy)).isEqualTo("made by an earlier start");
    assertThat(System.getProperty(NativeLibraryCopy.PATH_PROPERTY)).isEqualTo(cache.toString());

    NativeLibraryCopy.useCopyIn(dir.resolve("another"));
    assertThat(System.getProperty(NativeLibraryCopy.PATH_PROPERTY)).isEqualTo(cache.toString());
    assertThat(dir.resolve("another")).doesNotExist();
  }

  @Test
  void aDirectoryThatCannotBeMadeLeavesTheDriverToItsOwnExtraction() throws IOException {
    Path file = Files.writeString(dir.resolve("cache"), "a file, not a directory");
    NativeLibraryCopy.useCopyIn(file.resolve("sub"));
    assertThat(System.getProperty(NativeLibraryCopy.PATH_PROPERTY)).isNull();
    assertThat(System.getProperty(NativeLibraryCopy.NAME_PROPERTY)).isNull();
  }

  @Test
  void aFreshJvmLoadsTheCopyAndExtractsNothing() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path cache = dir.resolve("cache");
    String out = runInFreshJvm(tmp, cache);
    // The second start finds the copy the first one made.
    String again = runInFreshJvm(tmp, cache);

    for (String run : List.of(out, again)) {
      assertThat(run).contains("sqlite " + SQLiteJDBCLoader.getVersion().substring(0, 4));
      assertThat(run).contains("tmp holds 0 file(s)");
      assertThat(run)
          .contains("library "
              + cache.resolve(NativeLibraryCopy.fileName(SQLiteJDBCLoader.getVersion())));
    }
  }

  private static String runInFreshJvm(Path tmp, Path cache) throws Exception {
    return Processes.outputOfSuccess(
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djava.io.tmpdir=" + tmp,
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            FreshJvm.class.getName(),
            cache.toString(),
            tmp.toString()),
        Duration.ofSeconds(60));
  }

  private static byte[] driversLibrary() throws IOException {
    String resource =
        LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return in.readAllBytes();
    }
  }

  /** Runs in a JVM of its own: copy, open a database, say what was loaded and extracted. */
  static final class FreshJvm {
    private FreshJvm() {}

    public static void main(String[] args) throws Exception {
      Path cache = Path.of(args[0]);
      Path tmp = Path.of(args[1]);
      NativeLibraryCopy.useCopyIn(cache);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select sqlite_version()")) {
        rs.next();
        System.out.println("sqlite " + rs.getString(1));
      }
      try (Stream<Path> files = Files.list(tmp)) {
        System.out.println("tmp holds " + files.count() + " file(s)");
      }
      try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
        maps.filter(l -> l.contains(cache.toString()))
            .map(l -> l.substring(l.indexOf('/')))
            .distinct()
            .forEach(l -> System.out.println("library " + l));
      }
    }
  }
}
