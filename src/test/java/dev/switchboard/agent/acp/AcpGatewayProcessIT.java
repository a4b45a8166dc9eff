package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.loopback.LoopbackServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built gateway with the ACP backend running the test agent (built on the official ACP
 * TypeScript SDK), driven from a chat: a streamed reply, a permission question
 * answered with /approve, /stop in the middle of a slow turn, /new and SIGTERM reaping the
 * agent processes.
 */
class AcpGatewayProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private Path home;
  private LoopbackServer chat;
  private ChildGateway gateway;

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
    chat = new LoopbackServer();
    List<String> command = TestAgent.command();
    // Unsandboxed: the test follows the agents by the pids they report, which a sandbox's PID
    // namespace would renumber (AcpSandboxProcessIT runs them sandboxed).
    Files.writeString(
        home.resolve("switchboard.yaml"),
        "auth:\n  allow_all_users: true\n"
            + "platforms:\n  loopback:\n    enabled: true\n    port: " + chat.port() + "\n"
            + "agent:\n  backend: acp\n  tool_progress: true\n  acp:\n    sandbox: off\n"
            + "    command: ["
            + String.join(", ", command.stream().map(c -> "'" + c + "'").toList()) + "]\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    chat.close();
  }

  private long agentPid() throws Exception {
    String id = chat.send("ada", "pid");
    String answer = await()
        .atMost(WAIT)
        .until(
            () -> chat.texts("ada").stream()
                .filter(t -> t.matches("\\d+"))
                .reduce((a, b) -> b)
                .orElse(null),
            pid -> pid != null && !pid.equals(lastPid));
    lastPid = answer;
    chat.awaitAck(id, WAIT);
    return Long.parseLong(answer);
  }

  private String lastPid;

  @Test
  void anAcpAgentAnswersAsksStopsAndIsReaped() throws Exception {
    // The agents' directories go under HOME: the test's, not the machine's.
    gateway = ChildGateway.run(home, Map.of("HOME", dir.resolve("user").toString()));
    gateway.awaitRunning();
    chat.awaitConnection(-1, WAIT);

    chat.send("ada", "echo hello from the agent");
    chat.awaitText("ada", "hello from the agent", WAIT);
    long first = agentPid();
    assertThat(ProcessHandle.of(first).map(ProcessHandle::isAlive)).hasValue(true);
    assertThat(ProcessHandle.of(first).flatMap(p -> p.parent()).map(ProcessHandle::pid))
        .hasValue(gateway.pid());

    chat.send("ada", "ask");
    chat.awaitText("ada", "\ud83d\udd10 The agent asks for permission: Run `rm -rf build`", WAIT);
    chat.send("ada", "/approve");
    chat.awaitText("ada", "chosen: yes", WAIT);

    chat.send("ada", "slow 40");
    chat.awaitText("ada", "tick", WAIT);
    long stopSent = System.nanoTime();
    chat.send("ada", "/stop");
    chat.awaitText("ada", "\u23f9 Stopped.", WAIT);
    assertThat(Duration.ofNanos(System.nanoTime() - stopSent)).isLessThan(Duration.ofSeconds(1));

    chat.send("ada", "/new");
    chat.awaitText("ada", "Started a new conversation.", WAIT);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false) == false);

    long second = agentPid();
    assertThat(second).isNotEqualTo(first);
    gateway.signal("TERM");
    assertThat(gateway.awaitExit(WAIT)).isZero();
    assertThat(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false))
        .isFalse();
  }
}
