package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The prctl call itself; what it closes to another process of the user is
 * {@code AcpSandboxProcessIT}'s. It leaves this test JVM non-dumpable, which nothing else in the
 * run needs to be: the JVM still reads its own /proc files.
 */
class DumpableFlagTest {
  @Test
  @EnabledOnOs(OS.LINUX)
  void clearingTheFlagMakesTheProcessNonDumpable() {
    assertThat(DumpableFlag.isSet()).isTrue();
    DumpableFlag.clear();
    assertThat(DumpableFlag.isSet()).isFalse();
    assertThat(ProcessHandle.current().info().command()).isPresent();
  }
}
