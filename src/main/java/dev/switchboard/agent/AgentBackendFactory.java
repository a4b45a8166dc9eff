package dev.switchboard.agent;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import java.util.List;

/** Creates one kind of agent backend; found with {@link java.util.ServiceLoader}. */
public interface AgentBackendFactory {
  /** The value of {@code agent.backend} that selects this backend: "echo". */
  String name();

  /** Settings this backend reads, all under {@code agent.<name>.}. */
  List<ConfigKey<?>> configKeys();

  AgentBackend create(Config config);
}
