package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.PlatformException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialLocksTest {
  private static final String TOKEN = "777:SECRETsecretSECRET";

  @TempDir
  Path dir;

  @Test
  void theSameCredentialCannotBeClaimedTwiceUntilReleased() throws Exception {
    CredentialLocks locks = new CredentialLocks(dir.resolve("locks"));
    GatewayLock held = locks.claim("telegram", TOKEN);
    assertThatThrownBy(() -> locks.claim("telegram", TOKEN))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("already connected with this telegram credential")
        .hasMessageContaining("pid " + ProcessHandle.current().pid())
        .hasMessageNotContaining("SECRET");
    held.close();
    locks.claim("telegram", TOKEN).close();
  }

  @Test
  void onASharedDatabaseALockStillHeldIsAPassingRefusal() throws Exception {
    // the gateway that lost the database to this one lets go as it stops: a retry will do
    CredentialLocks locks = new CredentialLocks(dir.resolve("locks"), true);
    try (GatewayLock held = locks.claim("telegram", TOKEN)) {
      assertThat(held).isNotNull();
      assertThatThrownBy(() -> locks.claim("telegram", TOKEN))
          .isInstanceOfSatisfying(
              PlatformException.class,
              e -> assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSIENT))
          .hasMessageContaining("still holds this telegram credential while it stops")
          .hasMessageNotContaining("SECRET");
    }
  }

  @Test
  void otherCredentialsAndOtherPlatformsAreIndependent() throws Exception {
    CredentialLocks locks = new CredentialLocks(dir);
    try (GatewayLock a = locks.claim("telegram", TOKEN);
        GatewayLock b = locks.claim("telegram", "778:OTHER");
        GatewayLock c = locks.claim("discord", TOKEN)) {
      assertThat(a).isNotNull();
      assertThat(b).isNotNull();
      assertThat(c).isNotNull();
    }
  }

  @Test
  void theLockFileIsNamedByAHashNeverByTheCredential() throws Exception {
    CredentialLocks locks = new CredentialLocks(dir);
    try (GatewayLock held = locks.claim("telegram", TOKEN)) {
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .singleElement()
            .satisfies(name ->
                assertThat(name).matches("telegram-[0-9a-f]{32}\\.lock").doesNotContain("777"));
      }
    }
  }

  @Test
  void theDirectoryIsTheUsersRuntimeDirectoryWhenThereIsOne() throws Exception {
    assertThat(CredentialLocks.defaultDir(Map.of("XDG_RUNTIME_DIR", dir.toString())))
        .isEqualTo(dir.resolve("switchboard"));
    assertThat(CredentialLocks.defaultDir(Map.of()).getFileName().toString())
        .startsWith("switchboard-");
    assertThat(CredentialLocks.defaultDir(
                Map.of("XDG_RUNTIME_DIR", dir.resolve("gone").toString()))
            .getParent())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
  }

  @Test
  void theServicesRuntimeDirectoryComesFirst() throws Exception {
    Path service = Files.createDirectories(dir.resolve("run-switchboard"));
    assertThat(CredentialLocks.defaultDir(
            Map.of("RUNTIME_DIRECTORY", service.toString(), "XDG_RUNTIME_DIR", dir.toString())))
        .isEqualTo(service);
    assertThat(CredentialLocks.defaultDir(Map.of(
            "RUNTIME_DIRECTORY",
            dir.resolve("gone").toString(),
            "XDG_RUNTIME_DIR",
            dir.toString())))
        .isEqualTo(dir.resolve("switchboard"));
  }
}
