package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyTest {
  @TempDir
  Path dir;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void newDirectoriesAndTheirMissingParentsAreOwnerOnly() throws Exception {
    Path deep = dir.resolve("a/b/c");
    OwnerOnly.createDirectories(deep);
    assertThat(mode(deep)).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
  }

  @Test
  void anExistingDirectoryIsLeftAsItIs() throws Exception {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    OwnerOnly.createDirectories(open);
    assertThat(mode(open)).isEqualTo("rwxr-xr-x");
  }

  @Test
  void aNewFileIsOwnerOnlyAndAnOldOneIsLeftForTheStartToTighten() throws Exception {
    Path fresh = dir.resolve("fresh");
    OwnerOnly.createFileIfMissing(fresh);
    assertThat(mode(fresh)).isEqualTo("rw-------");
    assertThat(fresh).isEmptyFile();

    Path old = Files.writeString(dir.resolve("old"), "kept");
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-rw-r--"));
    OwnerOnly.createFileIfMissing(old);
    assertThat(mode(old)).isEqualTo("rw-rw-r--");
    assertThat(old).hasContent("kept");
  }

  @Test
  void tighteningTakesOnlyTheGroupsAndOthersPermissionsAndSaysWhatTheyWere() throws Exception {
    Path script = Files.writeString(dir.resolve("script"), "");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("r-xrwxrwx"));
    assertThat(OwnerOnly.tighten(script)).hasValue(new OwnerOnly.Loose(script, "r-xrwxrwx", false));
    assertThat(mode(script)).isEqualTo("r-x------");
    assertThat(OwnerOnly.tighten(script)).as("nothing left to take").isEmpty();

    Path sub = Files.createDirectory(dir.resolve("sub"));
    Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr-x---"));
    OwnerOnly.Loose was = OwnerOnly.tighten(sub).orElseThrow();
    assertThat(was.directory()).isTrue();
    assertThat(was.fixMode()).isEqualTo("700");
    assertThat(mode(sub)).isEqualTo("rwx------");
  }

  @Test
  void aSymbolicLinkAndWhatItPointsToAreNotTouched() throws Exception {
    Path target = Files.writeString(dir.resolve("target"), "");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    assertThat(OwnerOnly.loose(link)).isEmpty();
    assertThat(OwnerOnly.tighten(link)).isEmpty();
    assertThat(mode(target)).isEqualTo("rw-r--r--");
    assertThat(OwnerOnly.loose(dir.resolve("missing"))).isEmpty();
  }
}
