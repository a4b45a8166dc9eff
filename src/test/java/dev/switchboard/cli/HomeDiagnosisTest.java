package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Finding;
import dev.switchboard.common.OwnerOnly;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Doctor's view of the state directory's permissions and owners. */
class HomeDiagnosisTest {
  @TempDir
  Path dir;

  private Path privateHome() throws Exception {
    Path home = Files.createDirectory(dir.resolve("home"));
    Files.setPosixFilePermissions(home, OwnerOnly.DIRECTORY);
    Path db = Files.writeString(home.resolve("switchboard.db"), "");
    Files.setPosixFilePermissions(db, OwnerOnly.FILE);
    return home;
  }

  private static List<Finding> about(List<Finding> findings, String subject) {
    return findings.stream().filter(f -> f.subject().equals(subject)).toList();
  }

  @Test
  void aHomeOwnedByTheUserAndClosedToOthersIsAllOk() throws Exception {
    Path home = privateHome();
    List<Finding> findings = HomeDiagnosis.check(home, OwnerOnly.currentUser());
    assertThat(findings)
        .filteredOn(f -> !f.subject().equals("gateway"))
        .extracting(Finding::level)
        .containsOnly(Finding.Level.OK);
    assertThat(about(findings, "owner")).isEmpty();
  }

  @Test
  void aLooseFileIsAWarningWithTheChmodThatFixesIt() throws Exception {
    Path home = privateHome();
    Path env = Files.writeString(home.resolve(".env"), "");
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r--r--"));
    List<Finding> files = about(HomeDiagnosis.check(home, OwnerOnly.currentUser()), "permissions");
    assertThat(files).singleElement().satisfies(f -> {
      assertThat(f.level()).isEqualTo(Finding.Level.WARN);
      assertThat(f.message()).contains(env + " is rw-r--r--, not owner-only (rw-------)");
      assertThat(f.fix()).startsWith("chmod 600 " + env);
    });
  }

  @Test
  void filesOfAnotherUserAreAFailureNamingTheOwnerAndTheChown() throws Exception {
    Path home = privateHome();
    String owner = Files.getOwner(home).getName();
    // The home is ours; seen by someone else, every path of it belongs to another user.
    UserPrincipal someoneElse = home.getFileSystem()
        .getUserPrincipalLookupService()
        .lookupPrincipalByName(owner.equals("nobody") ? "root" : "nobody");

    List<Finding> findings = HomeDiagnosis.check(home, Optional.of(someoneElse));

    assertThat(about(findings, "owner")).singleElement().satisfies(f -> {
      assertThat(f.level()).isEqualTo(Finding.Level.FAIL);
      assertThat(f.message())
          .contains("2 paths under " + home + " belong to other users")
          .contains(" to " + owner + ")")
          .contains("not to " + someoneElse.getName());
      assertThat(f.fix()).startsWith("chown -R " + someoneElse.getName() + " " + home);
    });
  }
}
