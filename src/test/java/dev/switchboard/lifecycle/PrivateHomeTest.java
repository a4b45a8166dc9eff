package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.OwnerOnly;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state directory an older version (or the user) left readable by others. */
class PrivateHomeTest {
  @TempDir
  Path dir;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static Path open(Path p) throws Exception {
    Files.setPosixFilePermissions(
        p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    return p;
  }

  @Test
  void everythingTheGatewayKeepsIsMadeOwnerOnlyAndReported() throws Exception {
    Path home = open(Files.createDirectory(dir.resolve("home")));
    Path env = open(Files.writeString(home.resolve(".env"), "TELEGRAM_BOT_TOKEN=x\n"));
    Path db = open(Files.writeString(home.resolve("switchboard.db"), ""));
    Path wal = open(Files.writeString(home.resolve("switchboard.db-wal"), ""));
    Path token = Files.writeString(home.resolve("web_token"), "t\n");
    Files.setPosixFilePermissions(token, OwnerOnly.FILE);
    Path logs = open(Files.createDirectory(home.resolve("logs")));
    Path log = open(Files.writeString(logs.resolve("gateway.log"), ""));
    Path agent = open(Files.createDirectories(home.resolve("acp-sessions/chat-1")));
    Path agentsFile = open(Files.writeString(agent.resolve("notes.txt"), ""));

    PrivateHome.Report report = PrivateHome.tighten(home);

    assertThat(report.failed()).isEmpty();
    assertThat(report.tightened())
        .extracting(OwnerOnly.Loose::path)
        .containsExactlyInAnyOrder(
            home.toRealPath(),
            env.toRealPath(),
            db.toRealPath(),
            wal.toRealPath(),
            logs.toRealPath(),
            log.toRealPath(),
            home.resolve("acp-sessions").toRealPath(),
            agent.toRealPath());
    for (Path p : new Path[] {env, db, wal, token, log}) {
      assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
    }
    for (Path p : new Path[] {home, logs, agent}) {
      assertThat(mode(p)).as(p.toString()).isEqualTo("rwx------");
    }
    assertThat(mode(agentsFile)).as("an agent's own files are the agent's").isEqualTo("rw-r--r--");
    assertThat(report.describeTightened())
        .startsWith("the directory (was rwxr-xr-x), ")
        .contains(".env (was rw-r--r--)", "logs/gateway.log (was rw-r--r--)")
        .doesNotContain("web_token");

    assertThat(PrivateHome.loose(home)).isEmpty();
    assertThat(PrivateHome.tighten(home).tightened())
        .as("a second start has nothing to do")
        .isEmpty();
  }

  @Test
  void doctorsViewChangesNothing() throws Exception {
    Path home = open(Files.createDirectory(dir.resolve("home")));
    Path env = open(Files.writeString(home.resolve(".env"), ""));
    assertThat(PrivateHome.loose(home))
        .containsExactly(
            new OwnerOnly.Loose(home.toRealPath(), "rwxr-xr-x", true),
            new OwnerOnly.Loose(env.toRealPath(), "rw-r--r--", false));
    assertThat(mode(env)).isEqualTo("rw-r--r--");
  }

  @Test
  void aHomeThatIsALinkIsKeptPrivateWhereItPoints() throws Exception {
    Path real = open(Files.createDirectory(dir.resolve("real")));
    Path home = Files.createSymbolicLink(dir.resolve("home"), real);
    PrivateHome.tighten(home);
    assertThat(mode(real)).isEqualTo("rwx------");
  }

  @Test
  void aMissingHomeHasNothingToTighten() {
    PrivateHome.Report report = PrivateHome.tighten(dir.resolve("nowhere"));
    assertThat(report.tightened()).isEmpty();
    assertThat(report.failed()).isEmpty();
  }
}
