package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the ACP test agent (src/test/acp-agent) is, and how to run it. */
final class TestAgent {
  private TestAgent() {}

  /** The agent's directory: {@code -Dswitchboard.acpAgent=DIR}, else relative to the project. */
  static Path dir() {
    String configured = System.getProperty("switchboard.acpAgent");
    return (configured != null ? Path.of(configured) : Path.of("src/test/acp-agent"))
        .toAbsolutePath()
        .normalize();
  }

  /** {@code node .../agent.mjs}; fails (does not skip) with what to do when it is not set up. */
  static List<String> command() {
    Path node = AcpBackendFactory.findProgram("node", System.getenv("PATH"));
    assertThat(node)
        .as("node is not on PATH; the ACP backend tests need Node.js 20+ and npm")
        .isNotNull();
    assertThat(dir().resolve("node_modules/@agentclientprotocol/sdk/package.json"))
        .as(
            "the ACP test agent is not installed in %s: run scripts/node-test-deps.sh"
                + " (./run-tests does it)",
            dir())
        .satisfies(p -> assertThat(Files.isRegularFile(p)).isTrue());
    return List.of(node.toString(), dir().resolve("agent.mjs").toString());
  }
}
