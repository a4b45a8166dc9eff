package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The prctl call itself, in a child JVM: a non-dumpable test JVM would change what the other
 * tests of the run see (its /proc files owned by root, no core file, self-attach). What it
 * closes to another process of the user is {@code AcpSandboxProcessIT}'s.
 */
class DumpableFlagTest {
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  /** Reports the flag before and after clearing it, and whether it still knows itself. */
  public static final class ClearingMain {
    public static void main(String[] args) {
      boolean before = DumpableFlag.isSet();
      DumpableFlag.clear();
      System.out.println("before=" + before + " after=" + DumpableFlag.isSet() + " command="
          + ProcessHandle.current().info().command().isPresent());
    }
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void clearingTheFlagMakesTheProcessNonDumpableAndItStillReadsItsOwnProcFiles() throws Exception {
    Process p = new ProcessBuilder(
            JAVA.toString(),
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            ClearingMain.class.getName())
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("before=true after=false command=true");
  }
}
