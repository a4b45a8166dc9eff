package dev.switchboard.agent;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Creates one kind of agent backend; found with {@link java.util.ServiceLoader}. */
public interface AgentBackendFactory {
  /** The value of {@code agent.backend} that selects this backend: "echo". */
  String name();

  /** Settings this backend reads, all under {@code agent.<name>.}. */
  List<ConfigKey<?>> configKeys();

  /**
   * Whether this backend is meant when {@code agent.backend} is not set: the OpenAI-compatible
   * backend is, once its base URL is. The first factory (by name) that says so wins; echo when
   * none does.
   */
  default boolean selectedWhenUnset(Config config) {
    return false;
  }

  /**
   * Creates the backend. A missing or bad setting is a
   * {@link dev.switchboard.config.ConfigException} naming the key (exit 78 at start).
   */
  AgentBackend create(Config config);

  /**
   * Creates the backend for a gateway whose state directory is {@code home}; backends that
   * keep files there (an agent's working directories) override this one.
   */
  default AgentBackend create(Config config, Path home) {
    return create(config);
  }

  /**
   * Directories outside the state directory this backend keeps its work in (agents' working
   * directories): {@code switchboard install} creates them and leaves them writable in a unit
   * that makes the rest of the file system read-only.
   *
   * @param env the environment the gateway will run with (its {@code HOME} is the service
   *     account's, which may not be the installer's)
   */
  default List<Path> workDirectories(Config config, Path home, Map<String, String> env) {
    return List.of();
  }

  /**
   * Other paths the backend's programs write to (an agent's login or cache): left writable in
   * such a unit, not created.
   *
   * @param env as for {@link #workDirectories}
   */
  default List<Path> otherWritablePaths(Config config, Path home, Map<String, String> env) {
    return List.of();
  }

  /**
   * {@code switchboard doctor}'s look at this backend with a valid configuration: can the agent
   * be reached (a server answers, a program exists), bounded in time, without running a turn.
   */
  default List<Finding> diagnose(Config config, Path home) throws InterruptedException {
    return List.of(Finding.ok("agent", name() + " backend"));
  }
}
