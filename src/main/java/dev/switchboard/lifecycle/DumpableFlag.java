package dev.switchboard.lifecycle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's "dumpable" flag, cleared at start with {@code prctl(PR_SET_DUMPABLE, 0)} (FFM,
 * as {@link UnixDatagramSender} calls libc), so that the agents the gateway starts, which run
 * as the same user, cannot read its secrets out of {@code /proc/<pid>/environ}, {@code mem},
 * {@code maps} or {@code fd}: the kernel then owns those files by root and checks ptrace access.
 *
 * <p>What it does not change, checked: the gateway's own thread dumps (the hard deadline's
 * {@link ThreadDumps} and HotSpotDiagnosticMXBean run inside the process); {@code jcmd} and
 * {@code jstack} by the same user (the attach socket in /tmp and SIGQUIT do not go through
 * /proc's ptrace check; {@code AcpSandboxProcessIT} runs jcmd against a non-dumpable gateway);
 * sd_notify and the systemd watchdog (systemd learns the sender from the socket's credentials
 * and the unit from {@code /proc/<pid>/cgroup}, which stays readable, and its SIGABRT is a
 * signal); {@code switchboard status} and {@code stop} (the lock, the state file, signals). What
 * it does change: no core file is written when the JVM crashes (hs_err_pid*.log still is, by
 * the JVM itself), and other processes of the user, tools included, see an empty
 * {@code ProcessHandle.info()} for the gateway. A child starts dumpable again at its exec.
 *
 * <p>It does not hold off root: a process with CAP_SYS_PTRACE reads /proc regardless, so a
 * gateway run as root needs the agent sandbox ({@code agent.acp.sandbox}) for the same effect.
 * Nor does it close the JVM's attach socket to the same user; the sandbox hides that too (a
 * private /tmp and PID namespace).
 */
final class DumpableFlag {
  private static final Logger log = LoggerFactory.getLogger(DumpableFlag.class);
  private static final int PR_SET_DUMPABLE = 4;
  private static final int PR_GET_DUMPABLE = 3;

  private DumpableFlag() {}

  /** Clears the flag; on other systems than Linux, or if prctl fails, says so and goes on. */
  static void clear() {
    if (!isLinux()) {
      log.debug("not Linux: the process stays dumpable (prctl is Linux only)");
      return;
    }
    try {
      int rc = (int) prctl().invokeExact(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
      if (rc != 0) {
        log.warn(
            "prctl(PR_SET_DUMPABLE, 0) failed ({}): agents running as this user may read"
                + " the gateway's environment in /proc",
            rc);
      }
    } catch (Throwable t) {
      log.warn(
          "cannot call prctl through the FFM API ({}): agents running as this user may read the"
              + " gateway's environment in /proc; run Java with --enable-native-access=ALL-UNNAMED",
          t.toString());
    }
  }

  /** Whether the process is dumpable now: true off Linux, where there is no such flag. */
  static boolean isSet() {
    if (!isLinux()) {
      return true;
    }
    try {
      return (int) prctl().invokeExact(PR_GET_DUMPABLE, 0L, 0L, 0L, 0L) != 0;
    } catch (Throwable t) {
      throw new IllegalStateException("prctl(PR_GET_DUMPABLE) failed", t);
    }
  }

  private static boolean isLinux() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
  }

  /** {@code int prctl(int option, unsigned long arg2, ...)}: variadic, but every argument fits. */
  private static MethodHandle prctl() {
    Linker linker = Linker.nativeLinker();
    return linker.downcallHandle(
        linker.defaultLookup().find("prctl").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
        Linker.Option.firstVariadicArg(1));
  }
}
