package dev.switchboard.lifecycle;

import dev.switchboard.config.CoreKeys.ServiceManagerSetting;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who will start the gateway again after it exits. With one, a restart is exit 75 and the
 * manager does the rest; with none, the gateway relaunches a detached copy of itself.
 */
public enum ServiceManager {
  SYSTEMD,
  S6,
  RUNIT,
  LAUNCHD,
  KUBERNETES,
  CONTAINER,
  NONE;

  /** Init processes of containers: when one of them is our parent, the container is the unit. */
  private static final Set<String> CONTAINER_INITS =
      Set.of("tini", "dumb-init", "docker-init", "catatonit");

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Applies {@code gateway.service_manager}; with {@code auto}, looks at the environment
   * (systemd sets INVOCATION_ID and, for Type=notify, NOTIFY_SOCKET; launchd sets
   * XPC_SERVICE_NAME; Kubernetes sets KUBERNETES_SERVICE_HOST) and at the parent process's name
   * (s6-supervise, runsv), which are the only traces s6 and runit leave.
   */
  public static ServiceManager detect(
      ServiceManagerSetting setting, Map<String, String> env, Optional<String> parentCommand) {
    return detect(setting, env, parentCommand, ProcessHandle.current().pid());
  }

  /**
   * As above; {@code ownPid} 1, or a container init (tini, dumb-init, docker-init, catatonit)
   * as the parent, means a container: its end takes every process in it along, so a detached
   * copy would die with us, and the container's restart policy must bring us back (exit 75).
   */
  public static ServiceManager detect(
      ServiceManagerSetting setting,
      Map<String, String> env,
      Optional<String> parentCommand,
      long ownPid) {
    if (setting != ServiceManagerSetting.AUTO) {
      return valueOf(setting.name());
    }
    if (present(env, "INVOCATION_ID") || present(env, "NOTIFY_SOCKET")) {
      return SYSTEMD;
    }
    if (present(env, "KUBERNETES_SERVICE_HOST")) {
      return KUBERNETES;
    }
    // An interactive macOS terminal has XPC_SERVICE_NAME=0; a launchd job has its label there.
    String xpc = env.get("XPC_SERVICE_NAME");
    if (xpc != null && !xpc.isBlank() && !xpc.equals("0")) {
      return LAUNCHD;
    }
    String parent = parentCommand.map(c -> c.substring(c.lastIndexOf('/') + 1)).orElse("");
    if (parent.equals("s6-supervise")) {
      return S6;
    }
    if (parent.equals("runsv")) {
      return RUNIT;
    }
    if (ownPid == 1 || CONTAINER_INITS.contains(parent)) {
      return CONTAINER;
    }
    return NONE;
  }

  private static boolean present(Map<String, String> env, String name) {
    String v = env.get(name);
    return v != null && !v.isBlank();
  }
}
