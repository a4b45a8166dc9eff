package dev.switchboard.agent.echo;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentBackendFactory;
import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The {@code echo} backend, the default: no service, no credentials. */
public final class EchoBackendFactory implements AgentBackendFactory {
  public static final ConfigKey<Duration> WORD_DELAY = ConfigKey.optional(
      "agent.echo.word_delay",
      "SWITCHBOARD_ECHO_WORD_DELAY",
      ValueType.duration(Duration.ZERO, Duration.ofSeconds(10)),
      Duration.ZERO,
      "Pause between streamed words of an echo reply, to watch streaming and restarts at work.");

  @Override
  public String name() {
    return "echo";
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(WORD_DELAY);
  }

  @Override
  public AgentBackend create(Config config) {
    return new EchoBackend(config.get(WORD_DELAY));
  }

  @Override
  public List<Finding> diagnose(Config config, Path home) {
    return List.of(Finding.warn(
        "agent",
        "echo backend: replies repeat the message, no agent is" + " connected",
        "set OPENAI_BASE_URL (and SWITCHBOARD_MODEL) for an OpenAI-compatible"
            + " server, or agent.backend: acp with agent.acp.command (docs/configuration.md,"
            + " \"Agent backends\")"));
  }
}
